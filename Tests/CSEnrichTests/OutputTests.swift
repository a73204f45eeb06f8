import CSEnrich
import CSTestSupport
import Foundation
import XCTest

/// The record that leaves: the input bytes, then `attack` and `indicators`; idempotent; errors for non-records.
final class OutputTests: XCTestCase {
    func object(_ line: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    func testInputBytesKeptAndMembersAppended() throws {
        let line = recordLine(title: "Password spraying \"wave\" é", tags: ["credential_access"])
        let out = try Enricher.shared.enrich(line: line)
        XCTAssertTrue(out.hasPrefix(String(line.dropLast())), "the input bytes come first, unchanged")
        XCTAssertTrue(out.hasSuffix("}}"))
        let o = try object(out)
        let attack = try XCTUnwrap(o["attack"] as? [String: Any])
        XCTAssertEqual(attack["version"] as? String, "18.1")
        let tactics = try XCTUnwrap(attack["tactics"] as? [[String: Any]])
        XCTAssertEqual(tactics.first?["id"] as? String, "TA0006")
        XCTAssertEqual(tactics.first?["name"] as? String, "Credential Access")
        XCTAssertEqual(tactics.first?["reference"] as? String, "https://attack.mitre.org/tactics/TA0006")
        XCTAssertEqual(tactics.first?["via"] as? [String], ["tag:credential_access", "technique:T1110.003"])
        let technique = try XCTUnwrap((attack["techniques"] as? [[String: Any]])?.first)
        XCTAssertEqual(Array(technique.keys).sorted(), ["id", "name", "reference", "tactics", "via"])
        XCTAssertEqual(technique["name"] as? String, "Brute Force: Password Spraying")
        XCTAssertEqual(technique["tactics"] as? [String], ["TA0006"])
        let indicators = try XCTUnwrap(o["indicators"] as? [String: Any])
        XCTAssertEqual(Set(indicators.keys), ["cves", "ipv4", "ipv6", "domains", "urls", "md5", "sha1", "sha256", "event_ids", "sigma_rules"])
        // Keys in the documented order.
        for (a, b) in [("\"version\"", "\"tactics\""), ("\"tactics\":[", "\"techniques\""), ("\"groups\"", "\"software\""), ("\"cves\"", "\"sigma_rules\"")] {
            XCTAssertLessThan(out.range(of: a)!.lowerBound, out.range(of: b)!.lowerBound)
        }
    }

    func testEmptyEnrichmentStillHasAllMembers() throws {
        let o = try object(try Enricher.shared.enrich(line: recordLine(title: "Nothing here")))
        let attack = try XCTUnwrap(o["attack"] as? [String: Any])
        for key in ["tactics", "techniques", "groups", "software"] { XCTAssertEqual((attack[key] as? [Any])?.count, 0, key) }
    }

    func testReEnrichmentReplacesAndIsIdempotent() throws {
        let line = recordLine(title: "Kerberoasting seen", text: "From 203.0.113.9.", tags: ["credential-access"])
        let once = try Enricher.shared.enrich(line: line)
        let twice = try Enricher.shared.enrich(line: once)
        XCTAssertEqual(try object(once) as NSDictionary, try object(twice) as NSDictionary)
        XCTAssertEqual(twice.components(separatedBy: "\"attack\"").count, 2, "one attack member")
        // A compact record as jansson writes it (cs-normalize's output) comes out byte for byte the same.
        let compact = #"{"schema":"cs.advisory/1","id":"a/1","title":"Golden SAML – “forged” tokens","summary":"From 203.0.113.9\nsee T1606.002","tags":["credential-access"],"n":1.5}"#
        let first = try Enricher.shared.enrich(line: compact)
        XCTAssertEqual(try Enricher.shared.enrich(line: first), first)
        // Stale members are replaced, not merged.
        let stale = String(line.dropLast()) + #","attack":{"version":"1.0","tactics":[{"id":"TA0040"}]},"indicators":{"cves":["CVE-1999-0001"]}}"#
        let fixed = try object(try Enricher.shared.enrich(line: stale))
        XCTAssertEqual(((fixed["attack"] as? [String: Any])?["version"]) as? String, "18.1")
        XCTAssertEqual(((fixed["indicators"] as? [String: Any])?["cves"]) as? [String], [])
        XCTAssertEqual(((fixed["indicators"] as? [String: Any])?["ipv4"]) as? [String], ["203.0.113.9"])
    }

    func testNonRecordsAreErrors() {
        for line in ["garbage", "[1,2]", "{\"title\":\"no schema\"}", "{\"schema\":\"other/1\"}", "{\"schema\":\"cs.advisory/1\""] {
            XCTAssertThrowsError(try Enricher.shared.enrich(line: line), line)
        }
    }

    func testEscapedTextIsDecodedBeforeMatching() throws {
        let line = #"{"schema":"cs.advisory/1","id":"x","title":"Pass\u0020the\u0020Hash","summary":"C2 \"45.77.12.9\"\nthen T1021.002","tags":[]}"#
        let e = try Enricher.shared.enrichment(ofLine: line)
        XCTAssertEqual(e.techniqueIDs, ["T1550.002", "T1021.002"])
        XCTAssertEqual(e.indicators.ipv4.values, ["45.77.12.9"])
    }
}
