import Foundation

/// Seed-shaped cs.advisory/1 records generated in the test itself, together with the values they
/// were made from, so that expected results are computed from the model (independently of the
/// scanner and matchers under test).
struct FixtureRecord {
    var index: Int
    var uid: String
    var title: String
    var summary: String
    var contentText: String
    var published: String?
    var modified: String?
    var tags: [String]
    var severity: String?
    var type: String?
    var actors: [String]
    var cves: [String]
    var vendors: [String]
    var products: [String]
    var exploited: Bool?
    /// nil: the record was not enriched (no `attack` member).
    var tactics: [(id: String, name: String)]?
    var techniques: [(id: String, name: String)]

    /// The record as cs-normalize/cs-enrich would write it (every field present).
    var json: [String: Any] {
        var o: [String: Any] = [
            "schema": "cs.advisory/1", "id": "/briefs/\(index)", "uid": uid, "title": title,
            "url": "https://feed.example.org/briefs/\(index)", "summary": summary,
            "content_html": "<p>\(contentText)</p>", "content_text": contentText,
            "published": published ?? NSNull(), "modified": modified ?? NSNull(),
            "authors": [["name": "CraftedSignal", "email": NSNull(), "url": NSNull()]],
            "tags": tags, "severity": severity ?? NSNull(), "severities": severity.map { [$0] } ?? [],
            "type": type ?? NSNull(), "actors": actors, "cves": cves, "vendors": vendors, "products": products,
            "exploited": exploited ?? NSNull(),
            "sections": ["attack_chain": ["The attacker signs in."], "impact": NSNull(), "recommendations": ["Enable MFA."]],
            "source": ["feed_url": "https://feed.example.org/feed.json", "feed_title": "Example", "home_page_url": "https://feed.example.org/",
                       "format": "json-feed-1.1", "fetched_at": NSNull()],
            "extensions": ["_cs_rank": index],
        ]
        if let tactics {
            o["attack"] = [
                "version": "18.1",
                "tactics": tactics.map { ["id": $0.id, "name": $0.name, "reference": "https://attack.mitre.org/tactics/\($0.id)/", "via": ["tag:x"]] },
                "techniques": techniques.map { ["id": $0.id, "name": $0.name, "tactics": [], "reference": "https://attack.mitre.org/techniques/\($0.id)/", "via": ["text:\($0.id)"]] },
                "groups": actors.contains("APT29") ? [["id": "G0016", "name": "APT29", "via": ["text:APT29"]]] : [],
                "software": [],
            ] as [String: Any]
        }
        return o
    }

    var line: String {
        let data = try! JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}

/// A small deterministic generator (no dependence on the platform's random numbers).
struct FixtureRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
    mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
    mutating func sample<T>(_ xs: [T], upTo k: Int) -> [T] {
        var pool = xs, out: [T] = []
        for _ in 0..<int(k + 1) where !pool.isEmpty { out.append(pool.remove(at: int(pool.count))) }
        return out
    }
}

enum AdvisoryFixtures {
    static let tactics: [(id: String, name: String)] = [
        ("TA0006", "Credential Access"), ("TA0003", "Persistence"), ("TA0004", "Privilege Escalation"),
        ("TA0001", "Initial Access"), ("TA0005", "Defense Evasion"), ("TA0002", "Execution"),
    ]
    static let techniques: [(id: String, name: String)] = [
        ("T1110", "Brute Force"), ("T1110.003", "Password Spraying"), ("T1098", "Account Manipulation"),
        ("T1078", "Valid Accounts"), ("T1566.001", "Spearphishing Attachment"), ("T11100", "Not A Real One"),
    ]
    static let words = ["entra", "azure", "lockout", "password", "spraying", "federated", "credential", "issuer",
                        "modified", "detection", "sigma", "windows", "sysmon", "process", "Kerberoasting", "token"]

    static func make(count: Int, seed: UInt64 = 42) -> [FixtureRecord] {
        var r = FixtureRandom(state: seed)
        return (0..<count).map { i in
            let severity: String? = r.pick([nil, "info", "low", "medium", "high", "critical"])
            let unenriched = r.chance(15)
            var tags = r.sample(["azure", "entra-id", "persistence", "windows", "user-management", "brute-force", "t1110"], upTo: 3)
            if unenriched && r.chance(50) { tags.append(r.pick(["credential-access", "attack.credential-access", "privilege-escalation"])) }
            let month = 1 + r.int(9), day = 10 + r.int(18)
            let text = (0..<40).map { _ in r.pick(words) }.joined(separator: " ")
            return FixtureRecord(
                index: i,
                uid: String(format: "%064x", i % (count - 3)),   // three repeated uids for --dedupe
                title: "Advisory \(i): \(r.pick(words)) \(r.pick(words)) é/\"q\"",
                summary: (0..<8).map { _ in r.pick(words) }.joined(separator: " "),
                contentText: text + "\nSecond line",
                published: r.chance(5) ? nil : String(format: "2026-%02d-%02dT%02d:00:00Z", month, day, r.int(24)),
                modified: r.chance(50) ? nil : String(format: "2026-%02d-%02dT00:00:00Z", month, day + 1),
                tags: tags,
                severity: severity,
                type: r.pick(["advisory", "threat", nil]),
                actors: r.sample(["APT29", "Scattered Spider"], upTo: 1),
                cves: r.sample(["CVE-2024-3400", "CVE-2023-23397"], upTo: 1),
                vendors: r.sample(["Microsoft", "Palo Alto Networks"], upTo: 2),
                products: r.sample(["Entra ID", "Azure CLI", "PAN-OS"], upTo: 2),
                exploited: r.pick([true, false, nil]),
                tactics: unenriched ? nil : r.sample(tactics, upTo: 2),
                techniques: r.sample(techniques, upTo: 2))
        }
    }

    static func ndjson(_ records: [FixtureRecord]) -> String {
        records.map(\.line).joined(separator: "\n") + "\n"
    }
}
