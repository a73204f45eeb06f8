import CSEnrich
import XCTest

/// Found by fuzz-enrich (Tests/fuzz/corpus/enrich/crash-control-char-tag.txt): a tag with a control
/// character ("ph\u001Eishing", which still maps to T1566) was written by cs-enrich's own writer as
/// `\u001e`, and by the jansson path that re-enriches a record as `\u001E`: enriching twice changed the
/// bytes. Both now write jansson's upper-case escapes.
final class ControlCharacterOutputTests: XCTestCase {
    func testEscapesMatchJanssonSoReEnrichingIsByteIdentical() throws {
        let compact = #"{"schema":"cs.advisory/1","id":"a","title":"x\u0001y","tags":["ph\u001Eishing"]}"#
        let once = try Enricher.shared.enrich(line: compact)
        XCTAssertTrue(once.contains(#""via":["tag:ph\u001Eishing"]"#), once)
        XCTAssertFalse(once.contains(#"\u001e"#), once)
        XCTAssertEqual(try Enricher.shared.enrich(line: once), once)
    }
}
