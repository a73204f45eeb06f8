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

    func testAnEmptyPhraseSwitchesTheBuiltInPhraseOff() throws {
        let text = "A phishing wave delivered Cobalt Strike; password spraying followed, then web shells."
        let builtIn = try enrich(text: text)
        XCTAssertEqual(builtIn.via("T1566"), ["phrase:phishing"])
        XCTAssertEqual(builtIn.via("T1505.003"), ["phrase:web shell"])
        let m = try map("""
            phrase:phishing   =
            Phrase: Web-Shell =
            tag:credential_access =
            """)
        let e = try enrich(text: text, tags: ["credential-access", "initial_access"], enricher: Enricher(userMap: m))
        XCTAssertFalse(e.techniqueIDs.contains("T1566"), "phishing was switched off")
        XCTAssertFalse(e.techniqueIDs.contains("T1505.003"), "web shell was switched off, and its plural with it")
        XCTAssertEqual(e.via("T1110.003"), ["phrase:password spraying"], "other phrases remain")
        XCTAssertEqual(e.softwareIDs, ["S0154"])
        XCTAssertEqual(e.via("TA0001"), ["tag:initial_access"], "other tags remain")
        XCTAssertEqual(e.via("TA0006"), ["technique:T1110.003"], "the tag credential-access maps to nothing")
    }

    func testLaterLinesWinForPhrases() throws {
        let m = try map("""
            phrase:token theft  = T1528
            phrase:token theft  =
            phrase:phishing     =
            phrase:phishing     = T1566.002
            """)
        let e = try enrich(text: "Token theft after phishing.", enricher: Enricher(userMap: m))
        XCTAssertFalse(e.techniqueIDs.contains("T1528"))
        XCTAssertEqual(e.techniqueIDs, ["T1566.002"])
        XCTAssertEqual(e.via("T1566.002"), ["map:phishing"])
    }

    func testErrorsNameFileAndLine() {
        let cases = [
            ("good = T1110\nno equals sign here", "team.map:2: expected"),
            ("\n\nx = T9999", "team.map:3: unknown ATT&CK ID 'T9999'"),
            (" = T1110", "team.map:1: empty tag"),
            ("phrase:-- = T1110", "team.map:1: a phrase needs at least one word"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try map(text)) { error in
                let message = (error as? StageError)?.message ?? "\(error)"
                XCTAssertTrue(message.hasPrefix(expected), message)
            }
        }
    }
}
