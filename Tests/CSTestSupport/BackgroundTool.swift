import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A built tool (`cs worker`, `cs-sink`, `cs-fetch`) started by a test and left running while the test
/// watches it: stdout and stderr go to files, readable at any time; stdin is a pipe the test may write
/// and close. Stages are found beside it (the built products first on PATH) and proxy variables are
/// cleared, so loopback requests stay on loopback. Whatever is still running at deinit is killed.
public final class BackgroundTool {
    public let process = Process()
    public let stdoutURL = ToolRunner.temporaryFile("stdout")
    public let stderrURL = ToolRunner.temporaryFile("stderr")
    public let stdin = Pipe()

    public init(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = try ToolRunner.executable(tool)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in ["http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"] { env.removeValue(forKey: key) }
        env["PATH"] = ToolRunner.binDir.path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env.merge(environment) { $1 }
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
    public func terminate() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGKILL, without waiting (Foundation's wait can outlast the process while a child it left holds on).
    public func killHard() {
        kill(process.processIdentifier, SIGKILL)
    }

    /// Closes stdin (the tool sees end of input), then waits for the exit status.
    public func wait() -> Int32 {
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus
    }

    public var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }
}
