import CSCore
import CSFeed
import CSTestSupport
import Foundation
import XCTest

/// A document cut anywhere before its end is DATA_LOSS (an error: exit status 2), whatever libxml2 or the
/// JSON scanner happened to be reading at the cut: inside a tag, an attribute, the prolog, a string.
/// A cut that leaves out only trailing whitespace leaves a complete document.
final class TruncationTests: XCTestCase {
    static let examples = TestPaths.repoRoot.appendingPathComponent("examples/feeds")

    static let atom = FeedDocuments.truncationAtom

    func document(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: Self.examples.appendingPathComponent(name)))
    }

    /// Parses every prefix of `doc` (every `stride`-th length, and every length near the start and the
    /// end) and fails for each that is not reported as DATA_LOSS.
    func assertEveryCutIsDataLoss(_ doc: [UInt8], name: String, stride step: Int, file: StaticString = #filePath, line: UInt = #line) {
        let whole = parseFeed(doc)
        XCTAssertNil(whole.error, name, file: file, line: line)
        XCTAssertTrue(whole.issues.filter { $0.level == .error }.isEmpty, "\(name): \(whole.issues.map(\.text))", file: file, line: line)
        let complete = doc.count - doc.reversed().prefix { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }.count
        var failures: [String] = []
        for cut in 1..<complete where cut % step == 0 || cut < 400 || cut > complete - 200 {
            let result = parseFeed(Array(doc[..<cut]))
            let lost = result.error?.code == .dataLoss || result.issues.contains { $0.level == .error && $0.code == .dataLoss }
            if !lost {
                let said = result.error.map { "\($0.code): \($0.message)" } ?? result.issues.map { "\($0.level) \($0.code): \($0.text)" }.joined(separator: " | ")
                failures.append("cut at \(cut) (\(result.records.count) records): \(said.prefix(160))")
            }
            // A cut emits the whole document's first records, unchanged: never an item it did not finish.
            if result.records.map(\.text) != Array(whole.records.map(\.text).prefix(result.records.count)) {
                failures.append("cut at \(cut): records that are not the whole document's first \(result.records.count)")
            }
        }
        for cut in complete...doc.count where cut > 0 {
            let result = parseFeed(Array(doc[..<cut]))
            if result.error != nil || result.issues.contains(where: { $0.level == .error }) {
                failures.append("cut at \(cut) leaves only whitespace out, yet is reported")
            }
        }
        XCTAssertTrue(failures.isEmpty, "\(name): \(failures.count) cuts wrong, e.g.\n"
                      + failures.prefix(12).joined(separator: "\n"), file: file, line: line)
    }

    func testEveryCutOfTheExampleRSSIsDataLoss() throws {
        assertEveryCutIsDataLoss(try document("detections.rss.xml"), name: "detections.rss.xml", stride: 4)
    }

    func testEveryCutOfAnAtomDocumentIsDataLoss() throws {
        assertEveryCutIsDataLoss(Array(Self.atom.utf8), name: "atom", stride: 1)
    }

    func testEveryCutOfTheExampleJSONFeedIsDataLoss() throws {
        assertEveryCutIsDataLoss(try document("advisories.feed.json"), name: "advisories.feed.json", stride: 4)
    }
}
