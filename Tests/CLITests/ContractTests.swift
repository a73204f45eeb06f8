import Foundation
import XCTest

/// The stage contract (docs/contract.md), checked on every stage.
final class ContractTests: XCTestCase {
    static let stages = ["cs-fetch", "cs-normalize", "cs-enrich", "cs-filter", "cs-sink"]
    static let recordStages = ["cs-enrich", "cs-filter", "cs-sink"]

    func testDescribePrintsOneJSONObject() throws {
        for stage in Self.stages {
            let r = try Shell.run("\(stage) --describe")
            XCTAssertEqual(r.status, 0, "\(stage): \(r.stderr)")
            XCTAssertEqual(r.lines.count, 1, "\(stage) --describe must print one line")
            let o = try XCTUnwrap(r.records.first, stage)
            XCTAssertEqual(o["name"] as? String, stage)
            XCTAssertEqual(o["schema"] as? String, "cs.advisory/1")
            let options = (o["options"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            XCTAssertTrue(options.contains("--dead-letter"), "\(stage) options: \(options)")
        }
    }

    func testHelpShowsExamples() throws {
        for stage in Self.stages + ["cs"] {
            let r = try Shell.run("\(stage) --help")
            XCTAssertEqual(r.status, 0, stage)
            XCTAssertTrue(r.stdout.contains("EXAMPLES"), "\(stage) --help has no examples:\n\(r.stdout)")
        }
    }

    func testVersion() throws {
        for stage in Self.stages {
            let r = try Shell.run("\(stage) --version")
            XCTAssertEqual(r.status, 0, stage)
            XCTAssertTrue(r.stdout.hasPrefix("\(stage) 0."), "\(stage): \(r.stdout)")
        }
    }

    /// A line of garbage between two good records: both records come out, stderr names line 2,
    /// the exit status says something was rejected, and the dead-letter file holds the line verbatim.
    func testGarbageLineIsReportedKeptAndCounted() throws {
        let good = try Shell.run("cs-normalize examples/feeds/advisories.feed.json | head -2").lines
        XCTAssertEqual(good.count, 2)
        let garbage = "this is {not json"
        for stage in Self.recordStages {
            let dir = try Shell.temporaryDirectory()
            let dead = dir.appendingPathComponent("dead.ndjson").path
            let args = stage == "cs-filter" ? " --sev info" : ""
            let r = try Shell.run("\(stage)\(args) --dead-letter '\(dead)'", stdin: "\(good[0])\n\(garbage)\n\(good[1])\n")
            XCTAssertEqual(r.status, 2, "\(stage): \(r.stderr)")
            XCTAssertEqual(r.records.count, 2, "\(stage) stdout: \(r.stdout)")
            XCTAssertTrue(r.stderr.contains(":2:") || r.stderr.contains("line 2"), "\(stage) stderr: \(r.stderr)")
            XCTAssertEqual(try String(contentsOfFile: dead, encoding: .utf8), garbage + "\n", stage)
        }
    }

    func testJSONDiagnosticsCarryLineAndCode() throws {
        let r = try Shell.run("cs-filter --sev low --log-format json", stdin: "{}\n[1]\n")
        XCTAssertEqual(r.status, 2)
        let diagnostics = r.stderr.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let first = try XCTUnwrap(diagnostics.first(where: { ($0["line"] as? Int) == 2 }), r.stderr)
        XCTAssertEqual(first["stage"] as? String, "cs-filter")
        XCTAssertEqual(first["level"] as? String, "error")
        XCTAssertEqual(first["code"] as? String, "INVALID_ARGUMENT")
    }

    func testMissingInputFileIsNamed() throws {
        let r = try Shell.run("cs-filter --sev low no-such-file.ndjson")
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("no-such-file.ndjson"), r.stderr)
        XCTAssertTrue(r.stderr.contains("NOT_FOUND"), r.stderr)
    }

    /// `| head -1` on a large input ends at once, with no error text.
    func testBrokenPipeEndsQuietly() throws {
        let dir = try Shell.temporaryDirectory()
        let big = dir.appendingPathComponent("big.ndjson").path
        try Shell.run("cs-normalize examples/feeds/* > '\(dir.path)/one.ndjson'; for i in $(seq 1 3000); do cat '\(dir.path)/one.ndjson'; done > '\(big)'")
        for stage in ["cs-filter --sev info", "cs-enrich", "cs-sink"] {
            let r = try Shell.run("\(stage) < '\(big)' | head -1")
            XCTAssertEqual(r.status, 0, "\(stage): \(r.stderr)")
            XCTAssertEqual(r.lines.count, 1)
            XCTAssertEqual(r.stderr, "", stage)
        }
    }

    /// SIGTERM: the stage flushes what it has and exits with 128+15.
    func testTerminateFlushesAndExits143() throws {
        // The stage reads from a FIFO that the script keeps open, so it is blocked in read(2) when the signal comes.
        let r = try Shell.run("""
            fifo="$(mktemp -u)"; mkfifo "$fifo"
            cs-filter --sev info < "$fifo" & pid=$!
            exec 3>"$fifo"
            cs-normalize examples/feeds/advisories.feed.json | head -2 >&3
            # Readiness, not a sleep: the FIFO is empty (FIONREAD) and cs-filter waits for more (in poll or read).
            python3 -c '
            import array, fcntl, sys, termios, time
            pid = sys.argv[1]
            while True:
                n = array.array("i", [0]); fcntl.ioctl(3, termios.FIONREAD, n)
                wchan = open(f"/proc/{pid}/wchan").read()
                if n[0] == 0 and ("pipe" in wchan or "poll" in wchan): break
                time.sleep(0.02)
            ' $pid
            kill -TERM $pid; wait $pid; echo "status=$?" >&2
            exec 3>&-; rm -f "$fifo"
            """)
        XCTAssertTrue(r.stderr.contains("status=143"), r.stderr)
        XCTAssertEqual(r.records.count, 2, "records read before the signal are flushed")
    }
}
