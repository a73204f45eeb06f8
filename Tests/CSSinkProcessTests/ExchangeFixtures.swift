import CSTestSupport
import Foundation

/// Records for the exchange formats: ATT&CK mappings with model evidence, groups, software, CVEs and
/// every indicator type, with hostile text (markup, quotes and backslashes in a URL indicator, an RTL
/// override in the title, a javascript: link, a CVE that is not one, a date that is not one).
enum ExchangeFixtures {
    static let hostileURL = "http://evil.example/a'b\\c\"d"

    static func record(_ i: Int, title: String, severity: String?, published: String, url: String,
                       techniques: [(String, String)], groups: [(String, String)] = [], software: [(String, String)] = [],
                       cves: [String] = [], indicators: [String: [String]] = [:], tags: [String] = []) -> [String: Any] {
        var o = SinkFixtures.record(i, severity: severity, title: title, published: published, url: url,
                                    tactics: [("TA0006", "Credential Access")], techniques: [], cves: cves,
                                    uid: String(format: "%032x", 0xabc000 + i))
        o["tags"] = tags
        o["attack"] = [
            "version": "18.1",
            "tactics": [["id": "TA0006", "name": "Credential Access", "reference": "", "via": []]],
            "techniques": techniques.map { t -> [String: Any] in
                var e: [String: Any] = ["id": t.0, "name": t.1, "tactics": [], "reference": "", "via": ["model:0.93"]]
                if t.0 == "T1110" { e["evidence"] = [["text": "the actor \u{202E}sprayed passwords", "score": 0.93, "field": "content_text"]] }
                return e
            },
            "groups": groups.map { ["id": $0.0, "name": $0.1, "via": []] },
            "software": software.map { ["id": $0.0, "name": $0.1, "via": []] },
        ] as [String: Any]
        var found: [String: Any] = ["cves": [], "ipv4": [], "ipv6": [], "domains": [], "urls": [], "md5": [], "sha1": [],
                                    "sha256": [], "event_ids": [], "sigma_rules": []]
        for (k, v) in indicators { found[k] = v }
        o["indicators"] = found
        return o
    }

    static var records: [[String: Any]] { [
        record(1, title: "APT29 <script>alert(1)</script> \u{202E}gnirps' \\ \"q\"", severity: "high",
               published: "2026-04-22T18:43:05Z", url: "https://feed.example.org/briefs/apt29",
               techniques: [("T1110", "Brute Force"), ("T1110.003", "Password Spraying"), ("T1059.001", "PowerShell")],
               groups: [("G0016", "APT29")], software: [("S0002", "Mimikatz"), ("S0154", "Cobalt Strike")],
               cves: ["CVE-2024-3400", "<b>CVE</b>"],
               indicators: ["ipv4": ["198.51.100.7"], "ipv6": ["2001:db8::1"], "domains": ["evil.example"],
                            "urls": [hostileURL], "md5": ["d41d8cd98f00b204e9800998ecf8427e"],
                            "sha1": ["a9993e364706816aba3e25717850c26c9cd0d89d"],
                            "sha256": ["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"]],
               tags: ["tlp:amber", "entra-id"]),
        record(2, title: "Password spraying against Entra ID", severity: nil, published: "not a date",
               url: "javascript:alert(1)", techniques: [("T1110", "Brute Force")],
               indicators: ["domains": ["login.evil.example"]]),
    ] }

    static var lines: [String] { records.map(SinkFixtures.line) }
    /// The sink fixtures and these, one NDJSON document.
    static var ndjson: Data { Data(((SinkFixtures.lines + lines).joined(separator: "\n") + "\n").utf8) }
}
