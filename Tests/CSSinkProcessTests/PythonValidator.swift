import CSTestSupport
import Foundation
import XCTest

/// Runs a Python check with a format's own validator or reader (OASIS's stix2-validator, PyMISP,
/// mitreattack-python; `make deps` installs them). When the module is missing the test is skipped
/// with a message, except under CI=true, where that is a failure.
enum PythonValidator {
    struct Result {
        let status: Int32
        let output: String
    }

    static func requireModule(_ module: String, package: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let probe = try run("import \(module)", arguments: [])
        guard probe.status != 0 else { return }
        let message = "Python module \(module) is missing (pip install \(package), or make deps)"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail(message, file: file, line: line)
            throw XCTSkip("failed: " + message)
        }
        throw XCTSkip(message)
    }

    /// `python3 -c script arguments...`, stdout and stderr together.
    static func run(_ script: String, arguments: [String]) throws -> Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-py-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script] + arguments
        let handle = try FileHandle(forWritingTo: out)
        p.standardOutput = handle
        p.standardError = handle
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try handle.close()
        return Result(status: p.terminationStatus, output: String(decoding: try Data(contentsOf: out), as: UTF8.self))
    }
}
