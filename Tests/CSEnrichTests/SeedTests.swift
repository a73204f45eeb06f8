import CSEnrich
import CSTestSupport
import Foundation
import XCTest

/// The four seed advisories (../shared/seeds), turned into records here with the fields cs-enrich reads,
/// must map to exactly these sets.
final class SeedTests: XCTestCase {
    struct Expected {
        var tactics: Set<String>
        var techniques: Set<String>
        var eventIDs: [String]
        var sigmaRules: [String]
    }

    static let expected: [String: Expected] = [
        // "gains initial access …, potentially through phishing": hedged, so no T1566 and no TA0001.
        "Detect Windows Entra User Management Via Azure CLI": Expected(
            tactics: ["TA0003"], techniques: [], eventIDs: ["1", "4688"],
            sigmaRules: ["Detect Entra User Management via Azure CLI"]),
        "Entra ID Excessive Account Lockouts Detected": Expected(
            tactics: ["TA0006"], techniques: ["T1110", "T1110.003", "T1110.004"], eventIDs: ["50053", "50034"],
            sigmaRules: ["Entra ID Excessive Account Lockouts Detected"]),
        "Entra ID ADRS Token Request by Microsoft Authentication Broker": Expected(
            tactics: ["TA0001", "TA0003"], techniques: ["T1098.005", "T1566"], eventIDs: [],
            sigmaRules: ["Entra ID ADRS Token Request by Microsoft Authentication Broker"]),
        "Entra ID Federated Identity Credential Issuer Modified": Expected(
            tactics: ["TA0003", "TA0004"], techniques: [], eventIDs: [],
            sigmaRules: ["Entra ID Federated Identity Credential Issuer Modified"]),
    ]

    func testSeedItemsMapToTheirExactSets() throws {
        let seeds = try requireShared("seeds")
        var records = try jsonFeedRecords(seeds.appendingPathComponent("craftedsignal-tag-entra-id.feed.json"))
        records += try rssRecords(seeds.appendingPathComponent("craftedsignal-tag-entra_id.rss.xml"))
        XCTAssertEqual(records.count, 4)
        for r in records {
            let want = try XCTUnwrap(Self.expected[r.title], r.title)
            let e = try enrich(title: r.title, summary: r.summary, text: plainText(r.html), html: r.html, tags: r.tags)
            XCTAssertEqual(e.tacticIDs, want.tactics, r.title)
            XCTAssertEqual(e.techniqueIDs, want.techniques, r.title)
            XCTAssertEqual(e.indicators.eventIDs.values, want.eventIDs, r.title)
            XCTAssertEqual(e.indicators.sigmaRules.values, want.sigmaRules, r.title)
            XCTAssertTrue(e.groups.isEmpty && e.software.isEmpty, r.title)
            for list in [e.indicators.ipv4, e.indicators.ipv6, e.indicators.domains, e.indicators.urls, e.indicators.md5,
                         e.indicators.sha1, e.indicators.sha256, e.indicators.cves] {
                XCTAssertEqual(list.values, [], "\(r.title): nothing that looks like an indicator is one here")
            }
        }
        // The lockouts advisory in detail: where each mapping came from.
        let lockouts = try XCTUnwrap(records.first { $0.title.contains("Lockouts") })
        let e = try enrich(title: lockouts.title, summary: lockouts.summary, text: plainText(lockouts.html), html: lockouts.html, tags: lockouts.tags)
        XCTAssertEqual(e.via("TA0006").first, "tag:credential_access")
        XCTAssertEqual(e.via("T1110"), ["tag:brute_force", "phrase:brute force"])
        XCTAssertEqual(e.via("T1110.003"), ["phrase:password spraying"])
        XCTAssertEqual(e.via("T1110.004"), ["phrase:credential stuffing"])
    }

    /// The example: the seed's "potentially through phishing" names no technique seen, with or
    /// without the model; the same sentence without the hedge does.
    func testHedgedPhishingInTheSeedYieldsNoInitialAccess() throws {
        let seeds = try requireShared("seeds")
        let records = try jsonFeedRecords(seeds.appendingPathComponent("craftedsignal-tag-entra-id.feed.json"))
        let item = try XCTUnwrap(records.first { $0.html.contains("potentially through phishing") })
        let withModel = Enricher(model: TechniqueModelTests.model)
        for enricher in [Enricher.shared, withModel] {
            let e = try enrich(title: item.title, summary: item.summary, text: plainText(item.html), html: item.html, tags: item.tags, enricher: enricher)
            XCTAssertFalse(e.techniqueIDs.contains("T1566"), "\(e.techniques)")
            XCTAssertFalse(e.tacticIDs.contains("TA0001"), "\(e.tactics)")
        }
        let plain = plainText(item.html).replacingOccurrences(of: "potentially through phishing", with: "through phishing")
        let e = try enrich(title: item.title, summary: item.summary, text: plain, tags: item.tags)
        XCTAssertEqual(e.via("T1566"), ["phrase:phishing"])
        XCTAssertTrue(e.tacticIDs.contains("TA0001"))
    }

    // MARK: building records from the seed documents

    struct Item { var title: String; var summary: String; var html: String; var tags: [String] }

    func jsonFeedRecords(_ url: URL) throws -> [Item] {
        let feed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        return try XCTUnwrap(feed["items"] as? [[String: Any]]).map {
            Item(title: $0["title"] as? String ?? "", summary: $0["summary"] as? String ?? "",
                 html: $0["content_html"] as? String ?? "", tags: ($0["_cs_tags"] as? [String] ?? []) + ($0["tags"] as? [String] ?? []))
        }
    }

    func rssRecords(_ url: URL) throws -> [Item] {
        let xml = try String(contentsOf: url, encoding: .utf8)
        return xml.components(separatedBy: "<item>").dropFirst().map { item in
            func element(_ name: String) -> String {
                guard let s = item.range(of: "<\(name)>"), let e = item.range(of: "</\(name)>", range: s.upperBound..<item.endIndex) else { return "" }
                var v = String(item[s.upperBound..<e.lowerBound])
                if v.hasPrefix("<![CDATA[") { v = String(v.dropFirst(9).dropLast(3)) }
                return v
            }
            let tags = item.components(separatedBy: "<category>").dropFirst().compactMap { $0.components(separatedBy: "</category>").first }
            return Item(title: decodeEntities(element("title")), summary: decodeEntities(element("description")),
                        html: element("content:encoded"), tags: tags)
        }
    }

    func plainText(_ html: String) -> String {
        var s = html
        for block in ["</p>", "</li>", "</h2>", "<br>"] { s = s.replacingOccurrences(of: block, with: block + "\n") }
        s = s.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
        return decodeEntities(s)
    }

    func decodeEntities(_ s: String) -> String {
        var s = s
        for (entity, value) in [("&rsquo;", "’"), ("&lsquo;", "‘"), ("&ldquo;", "“"), ("&rdquo;", "”"), ("&quot;", "\""),
                                ("&#39;", "'"), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")] {
            s = s.replacingOccurrences(of: entity, with: value)
        }
        return s
    }
}
