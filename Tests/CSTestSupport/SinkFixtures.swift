import Foundation

/// Hand-picked cs.advisory/1 records for the sink tests: one per severity and one unrated, with
/// the text hazards a sink must survive (formula-like titles, markup, quotes, control characters).
public enum SinkFixtures {
    public static func record(_ i: Int, severity: String?, title: String, published: String? = nil, url: String? = nil,
                       tactics: [(String, String)]? = nil, techniques: [(String, String)] = [], cves: [String] = [],
                       uid: String? = nil, summary: String = "Summary text.") -> [String: Any] {
        var o: [String: Any] = [
            "schema": "cs.advisory/1", "id": "/briefs/\(i)", "uid": uid ?? String(repeating: String(i % 10), count: 64),
            "title": title, "url": url ?? "https://feed.example.org/briefs/\(i)", "summary": summary,
            "content_html": "<p>x</p>", "content_text": "x",
            "published": published ?? String(format: "2026-04-%02dT10:00:00Z", 10 + i), "modified": NSNull(),
            "authors": [], "tags": ["entra-id"], "severity": severity ?? NSNull(), "severities": severity.map { [$0] } ?? [],
            "type": "advisory", "actors": [], "cves": cves, "vendors": ["Microsoft"], "products": ["Entra ID"], "exploited": i % 2 == 0,
            "sections": ["attack_chain": [], "impact": NSNull(), "recommendations": []],
            "source": ["feed_url": "https://feed.example.org/feed.json", "feed_title": "Example", "home_page_url": NSNull(),
                       "format": "json-feed-1.1", "fetched_at": NSNull()],
            "extensions": [:],
        ]
        if let tactics {
            o["attack"] = ["version": "18.1",
                           "tactics": tactics.map { ["id": $0.0, "name": $0.1, "reference": "", "via": []] },
                           "techniques": techniques.map { ["id": $0.0, "name": $0.1, "tactics": [], "reference": "", "via": []] },
                           "groups": [], "software": []] as [String: Any]
        }
        return o
    }

    public static var records: [[String: Any]] { [
        record(0, severity: "medium", title: "Azure CLI used to manage Entra ID users", tactics: [("TA0003", "Persistence")]),
        record(1, severity: "high", title: "Entra ID Excessive Account Lockouts Detected",
               tactics: [("TA0006", "Credential Access")], techniques: [("T1110", "Brute Force"), ("T1110.003", "Password Spraying")]),
        record(2, severity: "critical", title: "=HYPERLINK(\"http://evil.example/\",\"click\") and a, comma",
               cves: ["CVE-2024-3400"], summary: "<script>alert(1)</script> **bold** [x](javascript:alert(1))"),
        record(3, severity: "low", title: "@SUM(A1:A9) low one \u{1B}[31mred\u{1B}[0m", url: "javascript:alert(1)"),
        record(4, severity: nil, title: "-2+3 unrated\twith tab\nand newline"),
        record(5, severity: "info", title: "Informational note with a rather long title that will need truncating in narrow tables, surely",
               tactics: [("TA0001", "Initial Access"), ("TA0002", "Execution"), ("TA0005", "Defense Evasion")]),
        record(6, severity: "high", title: "Entra ID Federated Identity Credential Issuer Modified", published: "2026-04-30T09:00:00Z",
               tactics: [("TA0003", "Persistence"), ("TA0004", "Privilege Escalation")]),
    ] }

    public static func line(_ o: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self)
    }

    public static var lines: [String] { records.map(line) }
    public static var ndjson: Data { Data((lines.joined(separator: "\n") + "\n").utf8) }
}
