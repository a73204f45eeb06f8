import CSCore
import CSEnrich
import XCTest

final class UserMapTests: XCTestCase {
    func map(_ text: String) throws -> UserMap {
        var m = UserMap()
        try m.parse(text, file: "team.map")
        return m
    }

    func testTagsPhrasesAndSwitchingOff() throws {
        let m = try map("""
            # in-house tags
            impossible-travel   = T1078.004, TA0001
            tag:Golden_SAML     = t1606/002
            phrase:token theft  = T1528
            brute_force         =
            """)
        let enricher = Enricher(userMap: m)
        let e = try enrich(text: "Signs of token theft.", tags: ["impossible_travel", "golden-saml", "brute-force", "credential-access"], enricher: enricher)
        XCTAssertEqual(e.techniqueIDs, ["T1078.004", "T1606.002", "T1528"])
        XCTAssertEqual(e.via("T1078.004"), ["map:impossible_travel"])
        XCTAssertEqual(e.via("T1528"), ["map:token theft"])
        XCTAssertEqual(e.via("TA0001"), ["map:impossible_travel"])
        XCTAssertEqual(e.via("TA0006"), ["tag:credential-access", "technique:T1606.002", "technique:T1528"])
        XCTAssertFalse(e.techniqueIDs.contains("T1110"), "brute_force was switched off")
    }

    func testErrorsNameFileAndLine() {
        let cases = [
            ("good = T1110\nno equals sign here", "team.map:2: expected"),
            ("\n\nx = T9999", "team.map:3: unknown ATT&CK ID 'T9999'"),
            (" = T1110", "team.map:1: empty tag"),
            ("phrase:nothing =", "team.map:1: a phrase needs at least one ID"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try map(text)) { error in
                let message = (error as? StageError)?.message ?? "\(error)"
                XCTAssertTrue(message.hasPrefix(expected), message)
            }
        }
    }
}
