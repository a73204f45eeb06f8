import Foundation
import XCTest
import CSTestSupport

/// `--format ecs`: the ECS 8.x threat.indicator.* and threat.feed.* fields.
final class ECSThreatTests: XCTestCase {
    func at(_ o: [String: Any], _ path: String) -> Any? {
        var v: Any? = o
        for k in path.split(separator: ".") { v = (v as? [String: Any])?[String(k)] }
        return v
    }

    func testIndicatorAndFeedFields() throws {
        let r = try ToolRunner.run("cs-sink", ["--format", "ecs"], stdin: ExchangeFixtures.ndjson)
        XCTAssertEqual(r.status, 0, r.stderr)
        let docs = try r.lines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let apt = docs[SinkFixtures.lines.count]
        XCTAssertEqual(at(apt, "threat.indicator.type") as? [String], ["ipv4-addr", "ipv6-addr", "domain-name", "url", "file"])
        XCTAssertEqual(at(apt, "threat.indicator.ip") as? [String], ["198.51.100.7", "2001:db8::1"])
        XCTAssertEqual(at(apt, "threat.indicator.url.full") as? [String], [ExchangeFixtures.hostileURL])
        XCTAssertEqual(at(apt, "threat.indicator.url.domain") as? [String], ["evil.example"])
        XCTAssertEqual(at(apt, "threat.indicator.file.hash.md5") as? [String], ["d41d8cd98f00b204e9800998ecf8427e"])
        XCTAssertEqual(at(apt, "threat.indicator.file.hash.sha1") as? [String], ["a9993e364706816aba3e25717850c26c9cd0d89d"])
        XCTAssertEqual(at(apt, "threat.indicator.file.hash.sha256") as? [String], ["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"])
        XCTAssertEqual(at(apt, "threat.indicator.reference") as? String, "https://feed.example.org/briefs/apt29")
        XCTAssertEqual(at(apt, "threat.indicator.provider") as? String, "Example")
        XCTAssertEqual(at(apt, "threat.indicator.first_seen") as? String, "2026-04-22T18:43:05Z")
        XCTAssertEqual(at(apt, "threat.indicator.marking.tlp") as? String, "AMBER")
        XCTAssertEqual(at(apt, "threat.feed.name") as? String, "Example")
        XCTAssertEqual(at(apt, "threat.feed.reference") as? String, "https://feed.example.org/feed.json")
        XCTAssertEqual(at(apt, "threat.group.id") as? [String], ["G0016"])
        XCTAssertEqual(at(apt, "threat.software.id") as? [String], ["S0002", "S0154"])
        XCTAssertEqual(at(apt, "threat.technique.subtechnique.id") as? [String], ["T1110.003", "T1059.001"])
        let second = docs[SinkFixtures.lines.count + 1]
        XCTAssertEqual(at(second, "threat.indicator.type") as? [String], ["domain-name"])
        XCTAssertNil(at(second, "threat.indicator.marking"), "no tlp tag, no marking")
        // Records without indicators keep their documents as before: no threat.indicator.
        XCTAssertNil(at(docs[1], "threat.indicator"))
        XCTAssertEqual(at(docs[1], "threat.technique.id") as? [String], ["T1110"])
        XCTAssertEqual(at(docs[1], "threat.feed.name") as? String, "Example")
        XCTAssertNil(docs[2]["threat"], "no ATT&CK and no indicators: no threat fields")
    }
}
