import Foundation
import XCTest
import CSAttack
import CSCore
import CSTestSupport
@testable import CSSink

/// `cs-sink --format html`: the report's matrix, chart, mappings with via and evidence, indicator
/// table, stable bytes, and hostile feed text made inert (read back with Python's HTML parser; the
/// browser tests render it in Chromium).
final class HTMLReportTests: XCTestCase {
    /// A record with techniques (and their via and evidence), a group, software and indicators.
    static func mapped(_ i: Int, severity: String, published: String, techniques: [String], title: String? = nil,
                       url: String? = nil, evidence: [[String: Any]] = [], indicators: [String: [String]] = [:]) -> [String: Any] {
        var o = SinkFixtures.record(i, severity: severity, title: title ?? "Advisory \(i)", published: published, url: url, tactics: [])
        o["attack"] = [
            "version": "18.1",
            "tactics": [["id": "TA0006", "name": "Credential Access", "reference": "", "via": ["tag:credential-access"]]],
            "techniques": techniques.map { id -> [String: Any] in
                var t: [String: Any] = ["id": id, "name": "name of \(id)", "tactics": ["TA0006"], "reference": "", "via": ["id:" + id]]
                if !evidence.isEmpty { t["evidence"] = evidence; t["via"] = ["id:" + id, "model:0.93"] }
                return t
            },
            "groups": [["id": "G0016", "name": "APT29", "via": ["name:APT29"]]],
            "software": [["id": "S0002", "name": "Mimikatz", "via": ["name:Mimikatz"]]],
        ] as [String: Any]
        o["indicators"] = indicators
        return o
    }

    static var evidence: [[String: Any]] { [
        ["text": "The actor sprayed passwords against the VPN portal.", "score": 0.93, "field": "content_text"],
        ["text": "Lockouts followed <b>within minutes</b>.", "score": 0.71, "field": "summary"],
    ] }

    static var input: Data {
        let records = [
            mapped(1, severity: "high", published: "2026-04-01T10:00:00Z", techniques: ["T1110.003", "T1078"], evidence: evidence,
                   indicators: ["ipv4": ["203.0.113.7"], "urls": ["http://evil.example/payload.exe"], "sha256": [String(repeating: "ab", count: 32)]]),
            mapped(2, severity: "critical", published: "2026-04-03T08:00:00Z", techniques: ["T1110.003"],
                   indicators: ["ipv4": ["203.0.113.7", "198.51.100.2"], "domains": ["evil.example"]]),
            mapped(3, severity: "low", published: "2026-04-03T09:00:00Z", techniques: ["T9999"]),
        ]
        return Data((records.map(SinkFixtures.line).joined(separator: "\n") + "\n").utf8)
    }

    func report(_ input: Data = HTMLReportTests.input, _ extra: [String] = []) throws -> String {
        let r = try ToolRunner.run("cs-sink", ["--format", "html"] + extra, stdin: input)
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.text
    }

    func testSameInputGivesTheSameBytesAndNoClockUnlessAsked() throws {
        let first = try ToolRunner.run("cs-sink", ["--format", "html"], stdin: Self.input)
        let second = try ToolRunner.run("cs-sink", ["--format", "html"], stdin: Self.input)
        XCTAssertEqual(first.stdout, second.stdout)
        XCTAssertFalse(first.text.contains("Generated"), "no wall-clock time unless asked")
        let timed = try report(Self.input, ["--report-time"])
        let stamp = try XCTUnwrap(timed.range(of: #"<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">"#, options: .regularExpression), timed)
        XCTAssertTrue(timed[stamp.lowerBound...].hasPrefix("<time"))
        let misuse = try ToolRunner.run("cs-sink", ["--format", "markdown", "--report-time"], stdin: Self.input)
        XCTAssertEqual(misuse.status, 64, "--report-time is for html only")
    }

    func testMatrixCellsCountAdvisoriesAndLinkToThem() throws {
        let html = try report()
        // T1110.003 (Credential Access in CSAttack) is mapped by advisories 1 and 2: the darkest cell.
        XCTAssertTrue(html.contains(##"<a class="cell l5" href="#tech-T1110.003" title="T1110.003 Brute Force: Password Spraying: 2 advisories"><span><span class="tid">T1110.003</span> Brute Force: Password Spraying</span> <span class="n">2</span></a>"##), html)
        // T1078 is under several tactics in ATT&CK: one cell in each of their columns.
        let tactics = try XCTUnwrap(ATTACK.technique(id: "T1078")).tacticIDs
        XCTAssertGreaterThan(tactics.count, 1)
        XCTAssertEqual(html.components(separatedBy: ##"<a class="cell l3" href="#tech-T1078" title="T1078 "##).count - 1, tactics.count)
        // A technique CSAttack does not know is placed by the record's tactics.
        XCTAssertTrue(html.contains(##"href="#tech-T9999""##))
        let list = try XCTUnwrap(html.range(of: #"<div class="tech" id="tech-T1110.003">"#))
        XCTAssertTrue(html[list.upperBound...].hasPrefix(##"<h4>T1110.003 Brute Force: Password Spraying (2)</h4><ul><li><a href="#adv-1">Advisory 1</a></li><li><a href="#adv-2">Advisory 2</a></li></ul>"##))
        XCTAssertTrue(html.contains(#"<article id="adv-1">"#) && html.contains(#"<article id="adv-2">"#))
        // Columns in the matrix's order: Reconnaissance first, Impact last.
        let recon = try XCTUnwrap(html.range(of: "<h3>Reconnaissance <small>TA0043</small>"))
        let initial = try XCTUnwrap(html.range(of: "<h3>Initial Access <small>TA0001</small>"))
        let impact = try XCTUnwrap(html.range(of: "<h3>Impact <small>TA0040</small>"))
        XCTAssertTrue(recon.lowerBound < initial.lowerBound && initial.lowerBound < impact.lowerBound)
    }

    func testAdvisoriesShowViaAndEvidence() throws {
        let html = try report()
        let article = try XCTUnwrap(html.range(of: #"<article id="adv-1">"#))
        let end = try XCTUnwrap(html.range(of: "</article>", range: article.upperBound..<html.endIndex))
        let body = String(html[article.lowerBound..<end.lowerBound])
        XCTAssertTrue(body.contains(#"<td class="via"><code>id:T1110.003</code> <code>model:0.93</code></td>"#), body)
        XCTAssertTrue(body.contains(#"<li><q>The actor sprayed passwords against the VPN portal.</q> <span class="score">0.93</span> <span class="field">content_text</span></li>"#), body)
        XCTAssertTrue(body.contains("<q>Lockouts followed &lt;b&gt;within minutes&lt;/b&gt;.</q>"), "evidence is feed text: escaped")
        XCTAssertTrue(body.contains(#"<code>name:APT29</code>"#) && body.contains(#"<code>tag:credential-access</code>"#))
        // Most severe first: the critical advisory (2) comes before the high one (1), the low one (3) last.
        let order = ["adv-2", "adv-1", "adv-3"].map { html.range(of: "<article id=\"\($0)\">")!.lowerBound }
        XCTAssertEqual(order, order.sorted())
    }

    func testIndicatorTableHoldsPlainTextOncePerValue() throws {
        let html = try report()
        XCTAssertTrue(html.contains(##"<tr><td>ipv4</td><td class="v">203.0.113.7</td><td><a href="#adv-1">#1</a> <a href="#adv-2">#2</a></td></tr>"##), html)
        XCTAssertTrue(html.contains(#"<tr><td>urls</td><td class="v">http://evil.example/payload.exe</td>"#))
        XCTAssertFalse(html.contains(#"href="http://evil.example"#), "indicators are never links")
        // Sorted by kind (ipv4 before domains before urls), then value.
        let positions = ["198.51.100.2", "203.0.113.7", "evil.example<", "payload.exe"].map { html.range(of: $0)!.lowerBound }
        XCTAssertEqual(positions, positions.sorted())
    }

    func testTopListsAndCounts() throws {
        let html = try report()
        XCTAssertTrue(html.contains(#"<tr><td>APT29 (<a href="https://attack.mitre.org/groups/G0016/" rel="noopener noreferrer">G0016</a>)</td><td class="num">3</td></tr>"#), html)
        XCTAssertTrue(html.contains(#"<tr><td><span class="sev critical">critical</span></td><td class="num">1</td></tr>"#))
        XCTAssertTrue(html.contains("3 advisories from 1 feed, published 2026-04-01 to 2026-04-03: 1 critical, 1 high, 1 low"))
    }

    func testChartHasABarPerSeverityAndPeriod() throws {
        let html = try report()
        // 2026-04-01 to 2026-04-03: daily bars; 04-03 holds a critical and a low one stacked.
        XCTAssertTrue(html.contains("<title>2026-04-03: 1 critical</title>"), html)
        XCTAssertTrue(html.contains("<title>2026-04-03: 1 low</title>"))
        XCTAssertEqual(html.components(separatedBy: "<rect class=\"bar ").count - 1, 3)
        XCTAssertEqual(ReportChart.Period.fitting(span: 62), .day)
        XCTAssertEqual(ReportChart.Period.fitting(span: 63), .week)
        XCTAssertEqual(ReportChart.Period.fitting(span: 2000), .month)
        // 2026-04-01 is a Wednesday: its week starts on Monday 2026-03-30.
        let day = RFC3339.daysFromCivil(year: 2026, month: 4, day: 1)
        XCTAssertEqual(ReportTally.date(ReportChart.Period.week.key(day)), "2026-03-30")
        XCTAssertEqual(ReportChart.Period.month.label(ReportChart.Period.month.key(day)), "2026-04")
    }

    /// Markup, a script, `javascript:` and `data:` URLs, an RTL override and a 100 KB title: the
    /// parsed page has no script, no handler, no link but http(s) and anchors, no bidi control.
    func testHostileContentIsInert() throws {
        let html = try report(Self.hostileInput)
        let file = ToolRunner.temporaryFile("hostile.html")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(html.utf8).write(to: file)
        let script = """
            import html.parser, json, sys
            class P(html.parser.HTMLParser):
                def __init__(self):
                    super().__init__(); self.tags = []; self.attrs = []; self.text = []
                def handle_starttag(self, tag, attrs): self.tags.append(tag); self.attrs += attrs
                def handle_data(self, d): self.text.append(d)
            p = P(); p.feed(open(sys.argv[1], encoding='utf-8').read())
            print(json.dumps({"tags": sorted(set(p.tags)), "attrs": p.attrs, "text": "".join(p.text)}))
            """
        let out = try runPython(script, file.path)
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let tags = parsed["tags"] as? [String] ?? []
        let attrs = (parsed["attrs"] as? [[Any]] ?? []).map { ($0[0] as? String ?? "", $0[1] as? String ?? "") }
        let text = parsed["text"] as? String ?? ""
        for bad in ["script", "iframe", "img", "object", "embed", "link", "form", "base"] {
            XCTAssertFalse(tags.contains(bad), bad)
        }
        XCTAssertFalse(attrs.contains { $0.0.hasPrefix("on") || $0.0 == "src" })
        for (name, value) in attrs where name == "href" {
            XCTAssertTrue(value.hasPrefix("https://") || value.hasPrefix("http://") || value.hasPrefix("#"), value)
        }
        XCTAssertFalse(attrs.contains { $0.1.lowercased().contains("javascript:") || $0.1.lowercased().hasPrefix("data:") })
        XCTAssertTrue(text.contains("<script>alert('title')</script>"), "markup arrives as text")
        XCTAssertFalse(text.unicodeScalars.contains { HTMLFormatter.isBidiControl($0) }, "bidi overrides neutralised")
        XCTAssertTrue(text.contains("invoice exe.txt"), "the override is a space, the text stays in order")
        // The 100 KB title is cut to 1,000 characters wherever it is shown.
        XCTAssertFalse(html.contains(String(repeating: "W", count: 1000)))
        XCTAssertTrue(html.contains(String(repeating: "W", count: 990) + "…"))
        XCTAssertLessThan(html.utf8.count, 60_000)
    }

    static var hostileInput: Data {
        var a = mapped(1, severity: "high", published: "2026-04-01T10:00:00Z", techniques: ["T1059"],
                       title: "<script>alert('title')</script><img src=x onerror=alert(1)>", url: "javascript:alert(1)",
                       evidence: [["text": "<a href=\"javascript:alert(2)\">x</a>", "score": 0.5, "field": "content_text"]],
                       indicators: ["urls": ["javascript:alert(3)", "data:text/html,<script>alert(4)</script>"]])
        a["summary"] = "<iframe src=\"https://evil.example/\"></iframe> [x](javascript:alert(5))"
        var attack = a["attack"] as! [String: Any]
        attack["groups"] = [["id": "G\"><script>alert(6)</script>", "name": "<b onmouseover=alert(7)>g</b>", "via": ["<i>v</i>"]]]
        a["attack"] = attack
        var b = mapped(2, severity: "critical", published: "2026-04-02T10:00:00Z", techniques: ["T1059"],
                       title: "invoice\u{202E}exe.txt", url: "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==")
        b["source"] = ["feed_url": "https://feed.example.org/\u{202E}x\"><script>alert(8)</script>", "feed_title": "<svg onload=alert(9)>",
                       "home_page_url": NSNull(), "format": "rss-2.0", "fetched_at": NSNull()]
        let c = mapped(3, severity: "low", published: "2026-04-03T10:00:00Z", techniques: ["T1059"],
                       title: String(repeating: "W", count: 100_000), url: " JaVaScRiPt:alert(10)")
        return Data(([a, b, c].map(SinkFixtures.line).joined(separator: "\n") + "\n").utf8)
    }

    func runPython(_ script: String, _ args: String...) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script] + args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        return String(decoding: data, as: UTF8.self)
    }
}
