import Foundation
import XCTest
import CSTestSupport

/// SIGTERM while a batch is on its way to the server: every record cs-sink read is delivered or
/// dead-lettered, counted in the closing report and the CS_STATS_FILE line, and the exit is 143.
/// No timing: the server holds the second request until the test has sent the signal.
final class SinkStopTests: XCTestCase {
    /// The held batch is answered 200 after the signal: it counts as delivered.
    func testSIGTERMWhileABatchIsHeldDeliversIt() throws {
        let outcome = try stopWhileSecondBatchIsHeld(heldAnswer: "ok")
        XCTAssertEqual(outcome.rejected, 0, outcome.stderr)
        XCTAssertGreaterThanOrEqual(outcome.delivered, 20, "the first batch and the held one")
    }

    /// The held batch is answered 503 after the signal: no backoff, it is dead-lettered and counted.
    func testSIGTERMWhileABatchIsHeldDeadLettersWhatFails() throws {
        let outcome = try stopWhileSecondBatchIsHeld(heldAnswer: "503")
        XCTAssertEqual(outcome.delivered, 10, "the first batch")
        XCTAssertEqual(outcome.rejected, 10, "the held batch")
        XCTAssertTrue(outcome.stderr.contains("stopped by a signal before delivery succeeded"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("10 inputs rejected"), outcome.stderr)
    }

    private struct Outcome {
        var delivered: Int
        var rejected: Int
        var stderr: String
    }

    private func stopWhileSecondBatchIsHeld(heldAnswer: String) throws -> Outcome {
        let server = try SinkServer(script: ["hold": 1, "hook": ["ok", heldAnswer]])
        let dead = ToolRunner.temporaryFile("stop-dead.ndjson")
        let stats = ToolRunner.temporaryFile("stop-stats.ndjson")
        let errors = ToolRunner.temporaryFile("stop-stderr.txt")
        defer { for f in [dead, stats, errors] { try? FileManager.default.removeItem(at: f) } }
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)

        let p = Process()
        p.executableURL = try ToolRunner.executable("cs-sink")
        p.arguments = ["--to", "http://\(server.base)/hook", "--batch", "10", "--flush-interval", "600", "--dead-letter", dead.path]
        var env = ProcessInfo.processInfo.environment
        env["CS_STATS_FILE"] = stats.path
        p.environment = env
        let input = Pipe()
        p.standardInput = input
        p.standardOutput = FileHandle.nullDevice
        p.standardError = try FileHandle(forWritingTo: errors)
        try p.run()
        addTeardownBlock { if p.isRunning { p.terminate() } }

        // 40 records fit in the pipe's buffer, so this write never waits for cs-sink; stdin stays open.
        let records = DeliveryRecords.lines(40)
        input.fileHandleForWriting.write(DeliveryRecords.data(records))
        XCTAssertTrue(server.wait { ($0["received"] as? Int ?? 0) >= 2 }, "the second batch reached the server")
        p.terminate()
        server.release()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 143)

        let statLines = ((try? String(contentsOf: stats, encoding: .utf8)) ?? "").split(separator: "\n")
        XCTAssertEqual(statLines.count, 1, "one CS_STATS_FILE line")
        let line = try XCTUnwrap(statLines.first.flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        XCTAssertEqual(line["status"] as? Int, 143)
        let linesIn = try XCTUnwrap(line["lines_in"] as? Int)
        let out = try XCTUnwrap(line["records_out"] as? Int)
        let rejected = try XCTUnwrap(line["rejected"] as? Int)
        XCTAssertEqual(linesIn, out + rejected, "every record read is delivered or rejected: \(line)")

        // What arrived and what was dead-lettered are exactly the records read, each once.
        let arrived = try server.arrivals("hook")
        XCTAssertTrue(arrived.values.allSatisfy { $0 == 1 }, "\(arrived)")
        XCTAssertEqual(arrived.count, out)
        let deadLines = ((try? String(contentsOf: dead, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        XCTAssertEqual(deadLines.count, rejected)
        let deadUIDs = Set(records.indices.filter { deadLines.contains(records[$0]) }.map(DeliveryRecords.uid))
        XCTAssertEqual(deadUIDs.count, rejected, "dead-lettered verbatim")
        XCTAssertEqual(Set(arrived.keys).union(deadUIDs), Set((0..<linesIn).map(DeliveryRecords.uid)), "the first \(linesIn) records, none lost")
        return Outcome(delivered: out, rejected: rejected, stderr: String(decoding: try Data(contentsOf: errors), as: UTF8.self))
    }
}
