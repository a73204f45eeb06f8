import CSTestSupport
import Foundation
import XCTest

/// Runs shell pipelines over the built executables the way users do, from the repository root,
/// with the build's products directory first on PATH.
enum Shell {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shared = repoRoot.deletingLastPathComponent().appendingPathComponent("shared")

    /// The directory holding cs-* executables: $CS_BIN_DIR, else the directory of the test bundle.
    static let binDir: URL = {
        if let dir = ProcessInfo.processInfo.environment["CS_BIN_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        var url = Bundle.main.bundleURL
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: url.appendingPathComponent("cs-filter").path) {
            url = url.deletingLastPathComponent()
        }
        return url
    }()

    struct Result {
        var stdout: String
        var stderr: String
        var status: Int32
        var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
        var records: [[String: Any]] {
            lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
    }

    /// Runs `script` with bash (pipefail on), feeding `stdin`. A script still running after `timeout` seconds
    /// (a hang guard, never reached by a slow run) is stopped and fails the test.
    @discardableResult
    static func run(_ script: String, stdin: String? = nil, env: [String: String] = [:], timeout: TimeInterval = Readiness.hangGuard) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", "set -o pipefail\n" + script]
        p.currentDirectoryURL = repoRoot
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = binDir.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["NO_COLOR"] = nil
        // cs-enrich reads KEV/EPSS data from $XDG_DATA_HOME/cs by default: a machine where `make data` ran must
        // not change what the tests and the docs' examples print. A directory that does not exist holds none.
        environment["XDG_DATA_HOME"] = repoRoot.appendingPathComponent(".build/no-data-for-tests").path
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        // Files rather than pipes: no reader threads, and a stuck child cannot block the test.
        let dir = try temporaryDirectory()
        let outURL = dir.appendingPathComponent("stdout"), errURL = dir.appendingPathComponent("stderr"), inURL = dir.appendingPathComponent("stdin")
        try Data((stdin ?? "").utf8).write(to: inURL)
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: outURL)
        p.standardError = try FileHandle(forWritingTo: errURL)
        p.standardInput = try FileHandle(forReadingFrom: inURL)
        try p.run()
        Readiness.wait(hangGuard: timeout) { !p.isRunning }
        if p.isRunning {
            p.terminate()
            XCTFail("timed out after \(timeout)s: \(script)")
        }
        p.waitUntilExit()
        let outData = (try? Data(contentsOf: outURL)) ?? Data(), errData = (try? Data(contentsOf: errURL)) ?? Data()
        try? FileManager.default.removeItem(at: dir)
        return Result(stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self),
                      status: p.terminationStatus)
    }

    /// ../shared with its seed feeds: a skip without them, a failure when CI=true (CSTestSupport's requireShared).
    static func requireShared() throws -> URL {
        _ = try CSTestSupport.requireShared("seeds")
        return shared
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
