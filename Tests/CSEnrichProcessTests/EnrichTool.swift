import CSTestSupport
import Foundation
import XCTest

/// Where the built executables are: $CS_BIN_DIR, else the directory of the .xctest bundle.
func productsDirectory() -> URL {
    if let dir = ProcessInfo.processInfo.environment["CS_BIN_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        return bundle.bundleURL.deletingLastPathComponent()
    }
    let argv0 = URL(fileURLWithPath: CommandLine.arguments[0])
    if argv0.path.contains(".xctest") {
        var u = argv0
        while !u.lastPathComponent.hasSuffix(".xctest") && u.path != "/" { u = u.deletingLastPathComponent() }
        return u.deletingLastPathComponent()
    }
    return Repository.root.appendingPathComponent(".build/debug")
}

struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a built executable with `arguments` and `stdin`.
func runTool(_ executable: String, _ arguments: [String], stdin: String = "") throws -> RunResult {
    let url = productsDirectory().appendingPathComponent(executable)
    guard FileManager.default.isExecutableFile(atPath: url.path) else {
        throw XCTSkip("\(executable) not built in \(url.deletingLastPathComponent().path) (set CS_BIN_DIR)")
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-enrich-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let inURL = dir.appendingPathComponent("stdin"), errURL = dir.appendingPathComponent("stderr")
    try Data(stdin.utf8).write(to: inURL)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let p = Process()
    p.executableURL = url
    p.arguments = arguments
    p.currentDirectoryURL = dir
    // No KEV/EPSS data from the machine's data directory (cs-enrich's default) in test results.
    var environment = ProcessInfo.processInfo.environment
    environment["XDG_DATA_HOME"] = dir.appendingPathComponent("no-data").path
    p.environment = environment
    let output = Pipe()
    p.standardInput = try FileHandle(forReadingFrom: inURL)
    p.standardOutput = output
    p.standardError = try FileHandle(forWritingTo: errURL)
    try p.run()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let errData = (try? Data(contentsOf: errURL)) ?? Data()
    return RunResult(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                     stderr: String(decoding: errData, as: UTF8.self))
}
