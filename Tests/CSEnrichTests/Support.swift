import CSEnrich
import Foundation
import XCTest

/// Builds cs.advisory/1 lines for tests: only the members cs-enrich reads need values.
func recordLine(title: String = "Advisory", summary: String? = nil, text: String? = nil, html: String? = nil,
                tags: [String] = [], actors: [String] = [], cves: [String] = [], extra: [String: Any] = [:]) -> String {
    var r: [String: Any] = [
        "schema": "cs.advisory/1", "id": "test-1", "uid": "0123", "title": title, "url": NSNull(),
        "summary": summary ?? NSNull(), "content_html": html ?? NSNull(), "content_text": text ?? NSNull(),
        "tags": tags, "actors": actors, "cves": cves,
    ]
    for (k, v) in extra { r[k] = v }
    let data = try! JSONSerialization.data(withJSONObject: r, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

/// Enriches one record and returns its mappings.
func enrich(title: String = "Advisory", summary: String? = nil, text: String? = nil, html: String? = nil,
            tags: [String] = [], actors: [String] = [], cves: [String] = [], enricher: Enricher = Enricher.shared) throws -> Enrichment {
    try enricher.enrichment(ofLine: recordLine(title: title, summary: summary, text: text, html: html, tags: tags, actors: actors, cves: cves))
}

extension Enricher {
    /// Built once for the whole test run (building the phrase table takes a few milliseconds).
    nonisolated(unsafe) static let shared = Enricher()
}

extension Enrichment {
    var tacticIDs: Set<String> { Set(tactics.map(\.id)) }
    var techniqueIDs: Set<String> { Set(techniques.map(\.id)) }
    var groupIDs: Set<String> { Set(groups.map(\.id)) }
    var softwareIDs: Set<String> { Set(software.map(\.id)) }
    func via(_ id: String) -> [String] {
        (tactics + techniques + groups + software).first { $0.id == id }?.via ?? []
    }
}

/// The repository root: three levels above this file (Tests/CSEnrichTests/Support.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// ../shared beside the repository, or a skip (a failure when CI=true: CI must run what needs it).
func sharedDirectory(_ what: String) throws -> URL {
    let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    guard FileManager.default.fileExists(atPath: shared.appendingPathComponent(what).path) else {
        if ProcessInfo.processInfo.environment["CI"] == "true" { throw SharedDataMissing(what: what) }
        throw XCTSkip("../shared not present: \(what) is needed")
    }
    return shared
}

struct SharedDataMissing: Error, CustomStringConvertible {
    var what: String
    var description: String { "../shared not present (CI=true, so this fails instead of skipping): \(what) is needed" }
}

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
    return repositoryRoot.appendingPathComponent(".build/debug")
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
