import Foundation
import XCTest
import CSRedis
import CSTestSupport

/// A `cs worker` (or `cs-sink`) started by a test, stopped by it (SIGTERM or SIGKILL), its stdout
/// and stderr in files.
final class ToolProcess {
    let process = Process()
    let stdoutURL = ToolRunner.temporaryFile("stdout")
    let stderrURL = ToolRunner.temporaryFile("stderr")
    let stdin = Pipe()

    init(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = try ToolRunner.executable(tool)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        // Stages are found beside cs: the built products first.
        env["PATH"] = ToolRunner.binDir.path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        for (k, v) in environment { env[k] = v }
        process.environment = env
        FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.standardInput = stdin
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        try? FileManager.default.removeItem(at: stdoutURL)
        try? FileManager.default.removeItem(at: stderrURL)
    }

    /// SIGTERM, then the exit status.
    func terminate() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGKILL, without waiting (Foundation's wait can outlast the process while a child it left holds on).
    func killHard() {
        kill(process.processIdentifier, SIGKILL)
    }

    func wait() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }
    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
}

enum Waiting {
    /// Polls `condition` until it holds. The cap only keeps a broken build from hanging the suite;
    /// nothing is asserted about how long it took.
    static func until(_ what: String, file: StaticString = #filePath, line: UInt = #line, _ condition: () throws -> Bool) throws {
        let cap = Date().addingTimeInterval(Double(ProcessInfo.processInfo.environment["CS_TEST_WAIT_CAP"] ?? "") ?? 600)
        while try !condition() {
            if Date() > cap { XCTFail("gave up waiting: \(what)", file: file, line: line); throw CancellationError() }
            usleep(20_000)   // between probes of the condition, not as synchronisation
        }
    }

    /// The group has handed out every entry and has none pending.
    static func drained(_ redis: RedisConnection, stream: String, group: String) throws -> Bool {
        let info = try redis.command(["XINFO", "GROUPS", stream]).items
            .map { Dictionary($0.pairs, uniquingKeysWith: { a, _ in a }) }.first { $0["name"]?.text == group }
        guard let info else { return false }
        return info["lag"]?.int == 0 && info["pending"]?.int == 0
    }
}
