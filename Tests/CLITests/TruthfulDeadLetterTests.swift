import Foundation
import XCTest

/// "Nothing lost, nothing claimed falsely": what the stages say about rejected inputs, the dead-letter
/// file and their own output must be true, and feed text must not drive the terminal.
final class TruthfulDeadLetterTests: XCTestCase {
    static let record = #"{"schema":"cs.advisory/1","id":"a","title":"kept"}"#

    /// A dead-letter file that cannot be written (/dev/full: ENOSPC): each stage reports it, does not
    /// claim the rejected line kept, and exits 3 naming how many were not kept. Good records still go out.
    func testFailedDeadLetterWriteIsFatalAndNotClaimedKept() throws {
        let complete = try Shell.run("cs-normalize examples/feeds/advisories.feed.json | head -1").stdout
        let cases: [(String, String)] = [
            ("cs-enrich", "garbage\n\(Self.record)\n"),
            ("cs-filter", "garbage\n\(Self.record)\n"),
            ("cs-sink", "garbage\n\(Self.record)\n"),
            // cs-normalize reads NDJSON when its first line is a record; the second lacks fields.
            ("cs-normalize", complete + "\(Self.record)\n"),
        ]
        for (stage, input) in cases {
            let r = try Shell.run("\(stage) --dead-letter /dev/full", stdin: input)
            XCTAssertEqual(r.status, 3, "\(stage): \(r.stderr)")
            XCTAssertEqual(r.records.count, 1, "\(stage) stdout: \(r.stdout)")
            XCTAssertTrue(r.stderr.contains("cannot write dead-letter file /dev/full"), "\(stage): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("1 input rejected, 1 NOT kept in /dev/full"), "\(stage): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains(", kept in /dev/full"), "\(stage) claims the line kept: \(r.stderr)")
        }
    }

    /// cs-sink's refused deliveries go through the same checked write: a webhook answering 500 with
    /// the dead-letter file on a full disk is exit 3, not "kept".
    func testSinkRefusedRecordsOnAFullDeadLetterFile() throws {
        let dir = try Shell.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A one-shot loopback server answering 500; its port is read from the file it writes when ready.
        let script = """
            python3 -c '
            import http.server, sys
            class H(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    self.rfile.read(int(self.headers.get("Content-Length", 0)))
                    self.send_response(500); self.send_header("Content-Length", "0"); self.end_headers()
                def log_message(self, *a): pass
            s = http.server.HTTPServer(("127.0.0.1", 0), H)
            open(sys.argv[1] + ".tmp", "w").write(str(s.server_port)); __import__("os").rename(sys.argv[1] + ".tmp", sys.argv[1])
            s.serve_forever()' '\(dir.path)/port' & server=$!
            while [ ! -s '\(dir.path)/port' ]; do sleep 0.05; done
            cs-sink --to "http://127.0.0.1:$(cat '\(dir.path)/port')/hook" --retries 0 --dead-letter /dev/full; status=$?
            kill $server; exit $status
            """
        let r = try Shell.run(script, stdin: Self.record + "\n")
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("1 NOT kept in /dev/full"), r.stderr)
        XCTAssertFalse(r.stderr.contains(", kept in /dev/full"), r.stderr)
    }

    /// A dead-letter file in a folder that does not exist is NOT_FOUND (not PERMISSION_DENIED), exit 3.
    func testMissingDeadLetterFolderIsNotFound() throws {
        let r = try Shell.run("cs-filter --dead-letter no-such-folder/dead.ndjson", stdin: Self.record + "\n")
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("cannot open dead-letter file no-such-folder/dead.ndjson"), r.stderr)
        XCTAssertTrue(r.stderr.contains("(NOT_FOUND)"), r.stderr)
    }

    /// cs-fetch given a file that is no feed: the dead-letter file holds an entry saying what (the URL)
    /// and why, not nothing.
    func testFetchKeepsAnEntryForAFileThatIsNoFeed() throws {
        let dir = try Shell.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let notAFeed = dir.appendingPathComponent("notes.txt").path, dead = dir.appendingPathComponent("dead.ndjson").path
        try "just some notes\n".write(toFile: notAFeed, atomically: true, encoding: .utf8)
        let r = try Shell.run("cs-fetch --no-progress --dead-letter '\(dead)' '\(notAFeed)'")
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("1 input rejected, kept in \(dead)"), r.stderr)
        let lines = try String(contentsOfFile: dead, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 1)
        let entry = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(entry["dead_letter"] as? String, "cs/1")
        XCTAssertEqual(entry["stage"] as? String, "cs-fetch")
        XCTAssertEqual(entry["url"] as? String, "file://" + notAFeed)
        XCTAssertEqual(entry["input"] as? String, "file://" + notAFeed)
        XCTAssertNotNil(entry["code"] as? String)
        XCTAssertFalse((entry["reason"] as? String ?? "").isEmpty, "\(entry)")
        XCTAssertNotNil(entry["time"] as? String)
    }

    /// A line too long to hold cannot be copied: its entry says where it was and why; bad lines that
    /// can be copied stay verbatim, in order.
    func testTooLongLineGetsAnEntryWithItsPosition() throws {
        let dir = try Shell.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let dead = dir.appendingPathComponent("dead.ndjson").path
        let long = #"{"schema":"cs.advisory/1","id":"long","title":""# + String(repeating: "x", count: 3000) + #""}"#
        let r = try Shell.run("cs-filter --max-line 1024 --dead-letter '\(dead)'", stdin: "\(long)\nnot json\n\(Self.record)\n")
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertEqual(r.records.count, 1)
        let lines = try String(contentsOfFile: dead, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2, "\(lines)")
        let entry = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(entry["dead_letter"] as? String, "cs/1")
        XCTAssertEqual(entry["input"] as? String, "-")
        XCTAssertEqual(entry["line"] as? Int, 1)
        XCTAssertEqual(entry["code"] as? String, "RESOURCE_EXHAUSTED")
        XCTAssertEqual(lines[1], "not json")
    }

    /// Records that cs-normalize would never emit (no id, tags a string, severity a number) are rejected
    /// by every record stage with their position, counted, and kept verbatim.
    func testRecordStagesRejectRecordsNormalizeWouldNeverEmit() throws {
        let bad = [#"{"schema":"cs.advisory/1","title":"no id"}"#,
                   #"{"schema":"cs.advisory/1","id":"t","tags":"persistence"}"#,
                   #"{"schema":"cs.advisory/1","id":"s","severity":42}"#,
                   #"{"schema":"cs.advisory/1","id":"u","severity":"urgent"}"#]
        for stage in ContractTests.recordStages {
            let dir = try Shell.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let dead = dir.appendingPathComponent("dead.ndjson").path
            let r = try Shell.run("\(stage) --dead-letter '\(dead)'", stdin: (bad + [Self.record]).joined(separator: "\n") + "\n")
            XCTAssertEqual(r.status, 2, "\(stage): \(r.stderr)")
            XCTAssertEqual(r.records.count, 1, "\(stage) stdout: \(r.stdout)")
            for (n, what) in [(1, "missing field \"id\""), (2, "field \"tags\""), (3, "field \"severity\""), (4, "field \"severity\"")] {
                XCTAssertTrue(r.stderr.contains("<stdin>:\(n): invalid cs.advisory/1 record: \(what)"), "\(stage) line \(n): \(r.stderr)")
            }
            XCTAssertTrue(r.stderr.contains("4 inputs rejected"), "\(stage): \(r.stderr)")
            XCTAssertEqual(try String(contentsOfFile: dead, encoding: .utf8), bad.joined(separator: "\n") + "\n", stage)
        }
    }

    /// An id full of terminal controls (retitle, erase line, carriage return, CSI, bidi override) is shown
    /// escaped in text diagnostics; JSON diagnostics stay valid JSON that decodes to the same id.
    func testControlCharactersInDiagnosticsAreShownNotSent() throws {
        let id = "a\u{1B}]0;pwned\u{07}\r\u{1B}[2K\u{9B}31m\u{202E}z"
        let line = String(decoding: try JSONSerialization.data(withJSONObject: ["schema": "cs.other/1", "id": id]), as: UTF8.self)
        let text = try Shell.run("cs-filter", stdin: line + "\n")
        XCTAssertEqual(text.status, 2)
        for raw in ["\u{1B}", "\u{07}", "\r", "\u{9B}", "\u{202E}"] {
            XCTAssertFalse(text.stderr.contains(raw), "raw control in: \(text.stderr.debugDescription)")
        }
        XCTAssertTrue(text.stderr.contains(#"[id a\x1b]0;pwned\x07\x0d\x1b[2K\u{9b}31m\u{202e}z]"#), text.stderr)

        let json = try Shell.run("cs-filter --log-format json", stdin: line + "\n")
        for raw in ["\u{1B}", "\u{07}", "\r", "\u{9B}", "\u{202E}"] {
            XCTAssertFalse(json.stderr.contains(raw), "raw control in: \(json.stderr.debugDescription)")
        }
        let first = try XCTUnwrap(json.stderr.split(separator: "\n").first)
        let o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any], String(first))
        XCTAssertEqual(o["id"] as? String, id)
    }

    /// --help, --version and --describe into a full disk: the write error is reported, exit 3.
    func testHelpVersionDescribeReportAFailedWrite() throws {
        for stage in ContractTests.stages + ["cs"] {
            for flag in ["--help", "--version"] + (stage == "cs" ? [] : ["--describe"]) {
                let r = try Shell.run("\(stage) \(flag) > /dev/full")
                XCTAssertEqual(r.status, 3, "\(stage) \(flag): \(r.stderr)")
                XCTAssertTrue(r.stderr.contains("\(stage): error: cannot write output"), "\(stage) \(flag): \(r.stderr)")
            }
        }
    }

    /// Usage errors name the program, then the usage hint; exit 64.
    func testUsageErrorsNameTheProgram() throws {
        for (stage, args) in [("cs-filter", "--sev bogus"), ("cs-enrich", "--no-such-option"), ("cs-sink", "--format nope"),
                              ("cs-normalize", "--max-line"), ("cs-fetch", ""), ("cs", "run")] {
            let r = try Shell.run("\(stage) \(args)")
            XCTAssertEqual(r.status, 64, "\(stage) \(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("\(stage): error: "), "\(stage) \(args): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("Error: "), r.stderr)
            XCTAssertTrue(r.stderr.contains("Usage: "), r.stderr)
        }
    }

    /// --version: name, version, ATT&CK release where the stage has it, and the C libraries it links.
    func testVersionNamesReleaseAndLibraries() throws {
        let expected: [String: (has: [String], hasNot: [String])] = [
            "cs-fetch": (["jansson ", "libcurl ", "libxml2 ", "SQLite "], ["ATT&CK"]),
            "cs-normalize": (["jansson ", "libxml2 "], ["libcurl", "ATT&CK"]),
            "cs-enrich": (["ATT&CK ", "jansson "], ["libcurl", "libxml2"]),
            "cs-filter": (["ATT&CK ", "jansson "], ["libcurl", "libxml2"]),
            "cs-sink": (["jansson ", "libcurl ", "SQLite "], ["ATT&CK"]),
            "cs": (["jansson "], ["libcurl"]),
        ]
        for (stage, want) in expected {
            let r = try Shell.run("\(stage) --version")
            XCTAssertEqual(r.status, 0, stage)
            XCTAssertEqual(r.lines.count, 1, r.stdout)
            XCTAssertTrue(r.stdout.hasPrefix("\(stage) 0."), r.stdout)
            for part in want.has { XCTAssertTrue(r.stdout.contains(part), "\(stage): \(r.stdout) lacks \(part)") }
            for part in want.hasNot { XCTAssertFalse(r.stdout.contains(part), "\(stage): \(r.stdout) has \(part)") }
        }
    }

    /// CS_STATS_FILE that cannot be written is said (a warning), not silently dropped; the status is unchanged.
    func testUnwritableStatsFileIsReported() throws {
        let r = try Shell.run("cs-filter", stdin: Self.record + "\n", env: ["CS_STATS_FILE": "/dev/full"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.records.count, 1)
        XCTAssertTrue(r.stderr.contains("cs-filter: warning: cannot write statistics to /dev/full (CS_STATS_FILE)"), r.stderr)
    }
}
