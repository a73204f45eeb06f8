import Foundation
import XCTest
import CSTestSupport

/// cs-sink as users run it.
final class SinkCommandTests: XCTestCase {
    func testNDJSONPassesRecordsUnchanged() throws {
        let odd = #"{ "schema" : "cs.advisory/1" , "id" : "o\u0064d" , "title" : "caf\u00e9 \/" }"#
        let input = Data((odd + "\r\n\n" + SinkFixtures.lines.joined(separator: "\n") + "\n").utf8)
        let r = try ToolRunner.run("cs-sink", [], stdin: input)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, Data((odd + "\n" + SinkFixtures.lines.joined(separator: "\n") + "\n").utf8))
    }

    func testFileDestinationAppendsWholeRecords() throws {
        let file = ToolRunner.temporaryFile("out.ndjson")
        defer { try? FileManager.default.removeItem(at: file) }
        for _ in 0..<2 {
            let r = try ToolRunner.run("cs-sink", ["--to", file.path], stdin: SinkFixtures.ndjson)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.isEmpty)
        }
        XCTAssertEqual(try Data(contentsOf: file), SinkFixtures.ndjson + SinkFixtures.ndjson)
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o644)
        let own = try ToolRunner.run("cs-sink", ["--to", file.path, file.path])
        XCTAssertEqual(own.status, 3)
        XCTAssertTrue(own.stderr.contains("would read its own output"), own.stderr)
        XCTAssertEqual(try Data(contentsOf: file).count, 2 * SinkFixtures.ndjson.count, "nothing appended")
        let missingDir = try ToolRunner.run("cs-sink", ["--to", "/nonexistent-dir/x.ndjson"], stdin: SinkFixtures.ndjson)
        XCTAssertEqual(missingDir.status, 3)
        XCTAssertTrue(missingDir.stderr.contains("cannot open /nonexistent-dir/x.ndjson"), missingDir.stderr)
    }

    /// --rotate: the file is moved aside before it would pass the size; the newest records are in
    /// FILE, older ones in FILE.1..FILE.N, nothing beyond N is kept, no record is split.
    func testRotation() throws {
        let file = ToolRunner.temporaryFile("rotated.ndjson")
        let generations = [file.path] + (1...4).map { "\(file.path).\($0)" }
        defer { for g in generations { try? FileManager.default.removeItem(atPath: g) } }
        let lines = Array(repeating: SinkFixtures.lines, count: 4).flatMap { $0 }
        let r = try ToolRunner.run("cs-sink", ["--to", file.path, "--rotate", "4K", "--keep", "3"],
                                   stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: generations[3]))
        XCTAssertFalse(FileManager.default.fileExists(atPath: generations[4]), "only --keep generations")
        var kept: [String] = []
        for g in generations[0...3].reversed() {
            let data = try Data(contentsOf: URL(fileURLWithPath: g))
            let fileLines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
            XCTAssertTrue(data.count <= 4096 || fileLines.count == 1, "\(g): \(data.count) bytes")
            XCTAssertEqual(data.last, 0x0A)
            kept += fileLines
        }
        XCTAssertLessThan(kept.count, lines.count)
        XCTAssertEqual(kept, Array(lines.suffix(kept.count)), "the newest records, in order, none split")
        let bad = try ToolRunner.run("cs-sink", ["--rotate", "10M"], stdin: SinkFixtures.ndjson)
        XCTAssertEqual(bad.status, 64, "--rotate needs --to FILE")
        XCTAssertEqual(try ToolRunner.run("cs-sink", ["--to", file.path, "--rotate", "ten"]).status, 64)
    }

    /// Two cs-sink processes appending large records to one file at the same time: every line of
    /// the file is a whole record (one write(2) per record on O_APPEND), none lost.
    func testConcurrentAppendsNeverInterleave() throws {
        let file = ToolRunner.temporaryFile("shared.ndjson")
        defer { try? FileManager.default.removeItem(at: file) }
        func input(_ tag: String) throws -> URL {
            let url = ToolRunner.temporaryFile("\(tag).ndjson")
            // Larger than a 256 KiB stdio-style buffer, so a writer that split records would show it.
            let lines = (0..<40).map { i in
                SinkFixtures.line(SinkFixtures.record(i, severity: "low", title: "\(tag) \(i) " + String(repeating: tag, count: 300_000)))
            }
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
            return url
        }
        let a = try input("A"), b = try input("B")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        let sink = try ToolRunner.executable("cs-sink")
        let procs = try [a, b].map { url -> Process in
            let p = Process()
            p.executableURL = sink
            p.arguments = ["--to", file.path, url.path]
            try p.run()
            return p
        }
        for p in procs { p.waitUntilExit(); XCTAssertEqual(p.terminationStatus, 0) }
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 80)
        var perTag: [String: Int] = [:]
        for l in lines {
            let o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(l.utf8)) as? [String: Any], "a torn line")
            let title = try XCTUnwrap(o["title"] as? String)
            let tag = String(title.prefix(1))
            XCTAssertTrue(title.hasSuffix(" " + String(repeating: tag, count: 300_000)))
            XCTAssertFalse(title.contains(tag == "A" ? "B" : "A"))
            perTag[tag, default: 0] += 1
        }
        XCTAssertEqual(perTag, ["A": 40, "B": 40])
    }

    func testBadLinesAreReportedAndGoodOnesDelivered() throws {
        let lines = SinkFixtures.lines
        let input = Data((lines[0] + "\nnot json at all\n" + lines[1] + "\n" + #"{"title":"no schema"}"# + "\n").utf8)
        let r = try ToolRunner.run("cs-sink", [], stdin: input)
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.lines, [lines[0], lines[1]])
        XCTAssertTrue(r.stderr.contains("<stdin>:2: expected a JSON object, found 'n' at column 1"), r.stderr)
        XCTAssertTrue(r.stderr.contains("<stdin>:4: not a cs.advisory/1 record"), r.stderr)
    }

    func testJSONArray() throws {
        let r = try ToolRunner.run("cs-sink", ["--format", "json"], stdin: SinkFixtures.ndjson)
        XCTAssertEqual(r.status, 0, r.stderr)
        let array = try XCTUnwrap(JSONSerialization.jsonObject(with: r.stdout) as? [[String: Any]])
        XCTAssertEqual(array.count, SinkFixtures.records.count)
        XCTAssertEqual(array.map { $0["title"] as? String }, SinkFixtures.records.map { $0["title"] as? String })
        let empty = try ToolRunner.run("cs-sink", ["-f", "json"], stdin: Data())
        XCTAssertEqual(empty.text, "[]\n")
    }

    /// CSV read back by Python's csv module (an independent reader): same cells, formulas neutralised.
    func testCSVReadsBackWithPython() throws {
        let r = try ToolRunner.run("cs-sink", ["--format", "csv", "--fields", "severity,title,tactics,cves"], stdin: SinkFixtures.ndjson)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.text.hasPrefix("severity,title,tactics,cves\r\n"))
        let file = ToolRunner.temporaryFile("out.csv")
        defer { try? FileManager.default.removeItem(at: file) }
        try r.stdout.write(to: file)
        let py = try python("import csv,json,sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='')))))", file.path)
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(py.utf8)) as? [[String]])
        XCTAssertEqual(rows.count, 1 + SinkFixtures.records.count)
        XCTAssertEqual(rows[1], ["medium", "Azure CLI used to manage Entra ID users", "TA0003", ""])
        XCTAssertEqual(rows[2][2], "TA0006")
        XCTAssertEqual(rows[3], ["critical", "'=HYPERLINK(\"http://evil.example/\",\"click\") and a, comma", "", "CVE-2024-3400"])
        XCTAssertEqual(rows[4][1].first, "'")
        XCTAssertEqual(rows[5], ["", "'-2+3 unrated\twith tab\nand newline", "", ""])
        let tsv = try ToolRunner.run("cs-sink", ["-f", "tsv", "--fields", "title", "--no-header"], stdin: SinkFixtures.ndjson)
        XCTAssertEqual(tsv.lines.count, SinkFixtures.records.count)
        XCTAssertEqual(tsv.lines[4], "'-2+3 unrated with tab and newline")
    }

    func testTableSortedAndSized() throws {
        let r = try ToolRunner.run("cs-sink", ["--format", "table"], stdin: SinkFixtures.ndjson)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.lines.map { String($0.prefix(8)) }, ["SEVERITY", "critical", "high    ", "high    ", "medium  ", "low     ", "info    ", "-       "])
        XCTAssertFalse(r.text.contains("\u{1B}"), "no colour when stdout is not a terminal")
        XCTAssertEqual(r.lines.map(\.count).max(), 100, "100 columns when not a terminal and COLUMNS is unset")
        let narrow = try ToolRunner.run("cs-sink", ["-f", "table"], stdin: SinkFixtures.ndjson, environment: ["COLUMNS": "64"])
        XCTAssertLessThanOrEqual(narrow.lines.map(\.count).max() ?? 0, 64)
        let forced = try ToolRunner.run("cs-sink", ["-f", "table", "--color", "always", "--width", "80"], stdin: SinkFixtures.ndjson)
        XCTAssertTrue(forced.text.contains("\u{1B}[1;31mcritical"))
        let byDate = try ToolRunner.run("cs-sink", ["-f", "table", "--sort", "published"], stdin: SinkFixtures.ndjson)
        XCTAssertTrue(byDate.lines[1].contains("2026-04-30"))
        let bad = try ToolRunner.run("cs-sink", ["--sort", "severity"], stdin: SinkFixtures.ndjson)
        XCTAssertEqual(bad.status, 64)
    }

    /// On a real terminal (a pseudo-terminal made by Python): colour and the terminal's width;
    /// NO_COLOR turns colour off.
    func testTerminalColourAndNoColor() throws {
        let script = """
            import os, pty, sys, struct, fcntl, termios, subprocess
            master, slave = pty.openpty()
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 72, 0, 0))
            env = dict(os.environ); env.pop('COLUMNS', None); env.pop('NO_COLOR', None)
            if sys.argv[3] == 'nocolor': env['NO_COLOR'] = '1'
            p = subprocess.Popen([sys.argv[1], '--format', 'table', sys.argv[2]], stdout=slave, stderr=slave, env=env)
            os.close(slave)
            out = b''
            while True:
                try: chunk = os.read(master, 65536)
                except OSError: break
                if not chunk: break
                out += chunk
            p.wait()
            sys.stdout.write(out.decode())
            """
        let input = ToolRunner.temporaryFile("in.ndjson")
        defer { try? FileManager.default.removeItem(at: input) }
        try SinkFixtures.ndjson.write(to: input)
        let sink = try ToolRunner.executable("cs-sink").path
        let colored = try python(script, sink, input.path, "color")
        XCTAssertTrue(colored.contains("\u{1B}[1;31mcritical"), colored)
        XCTAssertTrue(colored.contains("\u{1B}[31mhigh"), colored)
        let plain = try python(script, sink, input.path, "nocolor")
        XCTAssertFalse(plain.contains("\u{1B}"), plain)
        // The terminal turns each "\n" into "\r\n".
        let widths = plain.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").map(\.count)
        XCTAssertEqual(widths.count, SinkFixtures.records.count + 1)
        XCTAssertLessThanOrEqual(widths.max() ?? 0, 72, "fits the terminal's 72 columns")
        XCTAssertGreaterThan(widths.max() ?? 0, 60)
    }

    /// SIGTERM while input is still open: exit 143, and what was read is still delivered whole
    /// (the table printed, the JSON array closed).
    func testTerminateDeliversWhatWasRead() throws {
        for (format, check) in [("table", { (out: String) in out.hasPrefix("SEVERITY") && out.contains("critical  2026-04-12") }),
                                ("json", { (out: String) in
                                    ((try? JSONSerialization.jsonObject(with: Data(out.utf8))) as? [Any])?.count == SinkFixtures.records.count })] {
            let p = Process()
            p.executableURL = try ToolRunner.executable("cs-sink")
            p.arguments = ["--format", format]
            let stdin = Pipe(), stdout = Pipe()
            p.standardInput = stdin
            p.standardOutput = stdout
            try p.run()
            stdin.fileHandleForWriting.write(SinkFixtures.ndjson)
            XCTAssertTrue(Readiness.idle(stdin, by: p), "\(format): cs-sink read its input")
            p.terminate()
            let out = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            try? stdin.fileHandleForWriting.close()
            XCTAssertEqual(p.terminationStatus, 143, format)
            XCTAssertTrue(check(out), "\(format): \(out)")
        }
    }

    func testMarkdownDigest() throws {
        let file = ToolRunner.temporaryFile("digest.md")
        defer { try? FileManager.default.removeItem(at: file) }
        let r = try ToolRunner.run("cs-sink", ["--format", "markdown", "--to", file.path, "--title", "Week 17"], stdin: SinkFixtures.ndjson)
        XCTAssertEqual(r.status, 0, r.stderr)
        let md = try String(contentsOf: file, encoding: .utf8)
        XCTAssertTrue(md.hasPrefix("# Week 17\n\n7 advisories"), md)
        XCTAssertLessThan(md.range(of: "## Critical")!.lowerBound, md.range(of: "## High")!.lowerBound)
        XCTAssertFalse(md.contains("<script>"))
    }

    /// The HTML report, read back by Python's HTML parser: no script elements or event handlers,
    /// only http(s) links, feed markup shown as text.
    func testHTMLReportIsInert() throws {
        let r = try ToolRunner.run("cs-sink", ["--format", "html", "--title", "Week <17>"], stdin: SinkFixtures.ndjson)
        XCTAssertEqual(r.status, 0, r.stderr)
        let file = ToolRunner.temporaryFile("report.html")
        defer { try? FileManager.default.removeItem(at: file) }
        try r.stdout.write(to: file)
        let script = """
            import html.parser, json, sys
            class P(html.parser.HTMLParser):
                def __init__(self):
                    super().__init__(); self.tags = []; self.attrs = []; self.text = []
                def handle_starttag(self, tag, attrs): self.tags.append(tag); self.attrs += attrs
                def handle_data(self, d): self.text.append(d)
            p = P(); p.feed(open(sys.argv[1], encoding='utf-8').read())
            print(json.dumps({"tags": p.tags, "attrs": p.attrs, "text": "".join(p.text)}))
            """
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try python(script, file.path).utf8)) as? [String: Any])
        let tags = parsed["tags"] as? [String] ?? []
        let attrs = (parsed["attrs"] as? [[Any]] ?? []).map { ($0[0] as? String ?? "", $0[1] as? String ?? "") }
        let text = parsed["text"] as? String ?? ""
        XCTAssertFalse(tags.contains("script") || tags.contains("iframe") || tags.contains("img"), "\(Set(tags))")
        XCTAssertEqual(tags.filter { $0 == "article" }.count, SinkFixtures.records.count)
        XCTAssertFalse(attrs.contains { $0.0.hasPrefix("on") })
        for (name, value) in attrs where name == "href" {
            // Links leave only for http(s); the rest are anchors within the report (matrix cells, advisories).
            XCTAssertTrue(value.hasPrefix("https://") || value.hasPrefix("http://") || value.hasPrefix("#"), value)
        }
        XCTAssertFalse(attrs.contains { $0.1.lowercased().contains("javascript:") })
        XCTAssertTrue(text.contains("<script>alert(1)</script> **bold**"), "feed markup arrives as text")
        XCTAssertTrue(text.contains("Week <17>"))
        XCTAssertTrue(r.text.contains("Content-Security-Policy"))
        XCTAssertTrue(r.text.range(of: "Critical (1)")!.lowerBound < r.text.range(of: "High (2)")!.lowerBound)
    }

    func testECSDocuments() throws {
        let r = try ToolRunner.run("cs-sink", ["--format", "ecs"], stdin: SinkFixtures.ndjson)
        XCTAssertEqual(r.status, 0, r.stderr)
        let docs = try r.lines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        /// The value at a dotted path (Foundation on Linux has no key-value coding).
        func at(_ o: [String: Any], _ path: String) -> Any? {
            var v: Any? = o
            for k in path.split(separator: ".") { v = (v as? [String: Any])?[String(k)] }
            return v
        }
        XCTAssertEqual(docs.count, SinkFixtures.records.count)
        for (doc, record) in zip(docs, SinkFixtures.records) {
            XCTAssertEqual((doc["cs"] as? [String: Any]).map { $0 as NSDictionary }, record as NSDictionary, "the record rides along unchanged")
            XCTAssertEqual(at(doc, "event.kind") as? String, "enrichment")
            XCTAssertEqual(doc["@timestamp"] as? String, record["published"] as? String)
        }
        let lockouts = docs[1]
        XCTAssertEqual(at(lockouts, "event.severity") as? Int, 4)
        XCTAssertEqual(at(lockouts, "labels.severity") as? String, "high")
        XCTAssertEqual(at(lockouts, "threat.framework") as? String, "MITRE ATT&CK")
        XCTAssertEqual(at(lockouts, "threat.tactic.id") as? [String], ["TA0006"])
        XCTAssertEqual(at(lockouts, "threat.tactic.reference") as? [String], ["https://attack.mitre.org/tactics/TA0006/"])
        XCTAssertEqual(at(lockouts, "threat.technique.id") as? [String], ["T1110"])
        XCTAssertEqual(at(lockouts, "threat.technique.name") as? [String], ["Brute Force"])
        XCTAssertEqual(at(lockouts, "threat.technique.subtechnique.id") as? [String], ["T1110.003"])
        XCTAssertEqual(at(lockouts, "threat.technique.subtechnique.reference") as? [String], ["https://attack.mitre.org/techniques/T1110/003/"])
        XCTAssertEqual(at(docs[2], "vulnerability.id") as? [String], ["CVE-2024-3400"])
        XCTAssertEqual(at(docs[2], "event.severity") as? Int, 5)
        XCTAssertNil(at(docs[4], "event.severity"), "unrated records carry no severity")
        XCTAssertNil(docs[2]["threat"], "no attack member, no threat fields")
    }

    func testSplunkEnvelopes() throws {
        let r = try ToolRunner.run("cs-sink", ["--format", "splunk"], stdin: SinkFixtures.ndjson)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.lines.count, SinkFixtures.records.count)
        for (line, record) in zip(r.lines, SinkFixtures.lines) {
            XCTAssertTrue(line.hasSuffix(",\"event\":" + record + "}"), "the record is the event, byte for byte")
        }
        let first = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(first["time"] as? Int, 1_775_815_200)   // 2026-04-10T10:00:00Z
        XCTAssertEqual(first["sourcetype"] as? String, "cs:advisory")
        XCTAssertEqual(first["source"] as? String, "https://feed.example.org/feed.json")
    }

    /// Two identical runs into SQLite leave the same rows (checked with the sqlite3 command-line tool).
    func testSQLiteUpsertIsIdempotent() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else { throw XCTSkip("sqlite3 CLI not installed") }
        let db = ToolRunner.temporaryFile("advisories.db")
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db.path + s) } }
        var withDuplicate = SinkFixtures.lines
        var changed = SinkFixtures.records[0]
        changed["title"] = "Updated title"
        withDuplicate.append(SinkFixtures.line(changed))   // same uid as record 0: an update, not a new row
        let input = Data((withDuplicate.joined(separator: "\n") + "\n").utf8)
        var dumps: [String] = []
        for _ in 0..<2 {
            let r = try ToolRunner.run("cs-sink", ["--to", "sqlite:\(db.path)"], stdin: input)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.isEmpty)
            dumps.append(try sqlite(db.path, "SELECT uid, severity, severity_rank, published, title, url, exploited, ingested_at, record FROM advisories ORDER BY uid;"))
        }
        XCTAssertEqual(dumps[0], dumps[1], "a rerun changes nothing")
        XCTAssertEqual(try sqlite(db.path, "SELECT count(*) FROM advisories;"), "\(SinkFixtures.records.count)\n")
        XCTAssertEqual(try sqlite(db.path, "SELECT title FROM advisories WHERE uid = '\(String(repeating: "0", count: 64))';"), "Updated title\n")
        XCTAssertEqual(try sqlite(db.path, "SELECT json_extract(record, '$.attack.tactics[0].id') FROM advisories WHERE severity = 'high' ORDER BY published;"), "TA0006\nTA0003\n")
        XCTAssertEqual(try sqlite(db.path, "SELECT count(*) FROM advisories WHERE severity IS NULL AND severity_rank IS NULL;"), "1\n")
        let indexes = try sqlite(db.path, "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'advisories_%' ORDER BY name;")
        XCTAssertEqual(indexes, "advisories_modified\nadvisories_published\nadvisories_severity\n")
        let noUID = try ToolRunner.run("cs-sink", ["--to", "sqlite:\(db.path)"], stdin: Data(#"{"schema":"cs.advisory/1","id":"x","title":"x"}"#.utf8 + [0x0A]))
        XCTAssertEqual(noUID.status, 2)
        XCTAssertTrue(noUID.stderr.contains("<stdin>:1: record has no uid"), noUID.stderr)
    }

    func testUsageDescribeAndHelp() throws {
        let unknown = try ToolRunner.run("cs-sink", ["--to", "ftp://files.example/x"], stdin: SinkFixtures.ndjson)
        XCTAssertEqual(unknown.status, 64, "an unknown scheme is refused, not taken for a file name")
        XCTAssertTrue(unknown.stderr.contains("unknown scheme 'ftp'"), unknown.stderr)
        XCTAssertEqual(try ToolRunner.run("cs-sink", ["--format", "yaml"]).status, 64)
        XCTAssertEqual(try ToolRunner.run("cs-sink", ["-f", "csv", "--fields", "a,,b"]).status, 64)
        let d = try ToolRunner.run("cs-sink", ["--describe"])
        XCTAssertEqual(d.lines.count, 1)
        let o = try XCTUnwrap(JSONSerialization.jsonObject(with: d.stdout) as? [String: Any])
        XCTAssertEqual(o["name"] as? String, "cs-sink")
        let h = try ToolRunner.run("cs-sink", ["--help"])
        XCTAssertTrue(h.text.contains("EXAMPLES:") && h.text.contains("cs-sink --format table"))
    }

    // MARK: helpers

    func python(_ script: String, _ args: String...) throws -> String {
        try tool("/usr/bin/env", ["python3", "-c", script] + args)
    }

    func sqlite(_ db: String, _ sql: String) throws -> String {
        try tool("/usr/bin/sqlite3", [db, sql])
    }

    func tool(_ path: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "\(path) \(args)")
        return String(decoding: data, as: UTF8.self)
    }
}
