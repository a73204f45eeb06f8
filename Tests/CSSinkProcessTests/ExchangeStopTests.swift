import Foundation
import XCTest
import CSTestSupport

/// SIGTERM with stdin still open: the STIX bundle is closed and the MISP feed's index written for what
/// was read. No timing: the test waits until cs-sink's output shows the records before signalling.
final class ExchangeStopTests: XCTestCase {
    /// Starts cs-sink reading a pipe, writes `lines`, waits until `ready()` holds, sends SIGTERM.
    func stop(_ arguments: [String], stdout: URL, lines: [String], ready: () -> Bool) throws -> Int32 {
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        let p = Process()
        p.executableURL = try ToolRunner.executable("cs-sink")
        p.arguments = arguments
        let input = Pipe()
        p.standardInput = input
        p.standardOutput = try FileHandle(forWritingTo: stdout)
        p.standardError = FileHandle.nullDevice
        try p.run()
        addTeardownBlock { if p.isRunning { p.terminate() } }
        input.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        var seen = false
        for _ in 0..<6000 where !seen {
            seen = ready()
            if !seen { usleep(10_000) }   // polling the output for readiness, not timing the stage
        }
        XCTAssertTrue(seen, "cs-sink never showed the records")
        p.terminate()
        p.waitUntilExit()
        try? input.fileHandleForWriting.close()
        return p.terminationStatus
    }

    func testSIGTERMClosesTheSTIXBundle() throws {
        let out = ToolRunner.temporaryFile("stop-bundle.json")
        defer { try? FileManager.default.removeItem(at: out) }
        let lines = ExchangeFixtures.lines
        let status = try stop(["--format", "stix", "--line-buffered"], stdout: out, lines: lines) {
            let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            return text.components(separatedBy: "\"type\":\"report\"").count - 1 == lines.count
        }
        XCTAssertEqual(status, 143)
        let bundle = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any], "a whole JSON bundle")
        XCTAssertTrue((bundle["id"] as? String)?.hasPrefix("bundle--") == true)
        let reports = (bundle["objects"] as? [[String: Any]] ?? []).filter { $0["type"] as? String == "report" }
        XCTAssertEqual(reports.count, lines.count)
    }

    func testSIGTERMWritesTheMISPFeedIndex() throws {
        let dir = ToolRunner.temporaryFile("stop-feed")
        let out = ToolRunner.temporaryFile("stop-stdout")
        defer { for f in [dir, out] { try? FileManager.default.removeItem(at: f) } }
        let lines = ExchangeFixtures.lines
        let status = try stop(["--format", "misp", "--to", dir.path], stdout: out, lines: lines) {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.count == lines.count
        }
        XCTAssertEqual(status, 143)
        let manifest = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("manifest.json"))) as? [String: Any])
        XCTAssertEqual(manifest.count, lines.count)
        let hashes = try String(contentsOf: dir.appendingPathComponent("hashes.csv"), encoding: .utf8)
        XCTAssertFalse(hashes.isEmpty)
    }
}
