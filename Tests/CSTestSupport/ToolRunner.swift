import Foundation

/// Shared by the test targets that run built executables.
/// Runs a built cs executable the way a user does: stdin from bytes, stdout and stderr captured.
/// The products directory is `CS_BIN_DIR` when set, else the directory holding the test bundle.
public enum ToolRunner {
    public struct Result {
        public let status: Int32
        public let stdout: Data
        public let stderr: String
        public var text: String { String(decoding: stdout, as: UTF8.self) }
        public var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
    }

    public static var binDir: URL {
        if let dir = ProcessInfo.processInfo.environment["CS_BIN_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    public static func executable(_ name: String) throws -> URL {
        let url = binDir.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else { throw MissingExecutable(name: name, directory: binDir.path) }
        return url
    }

    public static func run(_ name: String, _ arguments: [String], stdin: Data = Data(), environment: [String: String] = [:],
                    file: StaticString = #filePath, line: UInt = #line) throws -> Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let inURL = dir.appendingPathComponent("stdin"), outURL = dir.appendingPathComponent("stdout"), errURL = dir.appendingPathComponent("stderr")
        try stdin.write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let p = Process()
        p.executableURL = try executable(name)
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = nil
        // No KEV/EPSS data from the machine's data directory (cs-enrich's default) in test results.
        env["XDG_DATA_HOME"] = dir.appendingPathComponent("no-data").path
        for (k, v) in environment { env[k] = v }
        p.environment = env
        p.standardInput = try FileHandle(forReadingFrom: inURL)
        p.standardOutput = try FileHandle(forWritingTo: outURL)
        p.standardError = try FileHandle(forWritingTo: errURL)
        try p.run()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: try Data(contentsOf: outURL),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// Thrown (failing the test) when an executable under test was not built. No XCTest here: this
    /// target is also compiled by plain `swift build -c release`, where XCTest is not available.
    public struct MissingExecutable: Error, CustomStringConvertible {
        public let name: String
        public let directory: String
        public var description: String { "\(name) not built in \(directory) (run swift build, or set CS_BIN_DIR)" }
    }

    public static func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("cs-\(UUID().uuidString)-\(name)")
    }
}
