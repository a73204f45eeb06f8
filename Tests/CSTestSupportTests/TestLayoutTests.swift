import CSTestSupport
import Foundation
import XCTest

/// The rule of docs/testing.md: a unit target (`<Module>Tests`) starts no process and no server, so that
/// `make unit` is quick and needs nothing built; whatever does goes in `<Module>ProcessTests` or CLITests.
final class TestLayoutTests: XCTestCase {
    /// What starting a process or a server looks like in a test (split so this file does not match itself).
    static let processMarkers = ["Process" + "()", "Tool" + "Runner", "CS_BIN" + "_DIR", "posix" + "_spawn",
                                 "SOCK" + "_STREAM", "SOCK" + "_DGRAM", "rsys" + "logd", "python" + "3"]

    static func isProcessTarget(_ name: String) -> Bool {
        name.hasSuffix("ProcessTests") || name == "CLITests"
    }

    /// `file: marker` for each marker in each unit-target file.
    static func violations(target: String, files: [(name: String, text: String)]) -> [String] {
        guard !isProcessTarget(target) else { return [] }
        return files.flatMap { file in
            processMarkers.filter { file.text.contains($0) }.map { "\(target)/\(file.name): \($0)" }
        }
    }

    func testTheRuleTellsTheKindsApart() {
        XCTAssertEqual(Self.violations(target: "CSSinkTests", files: [("A.swift", "let p = Process()\n"), ("B.swift", "XCTAssert(true)")]),
                       ["CSSinkTests/A.swift: Process()"])
        XCTAssertEqual(Self.violations(target: "CSSinkProcessTests", files: [("A.swift", "let p = Process()\n")]), [])
        XCTAssertEqual(Self.violations(target: "CLITests", files: [("A.swift", "ToolRunner.run(\"cs\", [])")]), [])
    }

    func testUnitTargetsStartNoProcessesOrServers() throws {
        let tests = Repository.root.appendingPathComponent("Tests")
        let targets = try FileManager.default.contentsOfDirectory(atPath: tests.path).filter { $0.hasSuffix("Tests") }.sorted()
        XCTAssertTrue(targets.contains("CSCoreTests") && targets.contains("CLITests"), "\(targets)")
        var found: [String] = []
        for target in targets where target != "CSTestSupportTests" {
            let dir = tests.appendingPathComponent(target)
            let names = (FileManager.default.enumerator(atPath: dir.path)?.compactMap { $0 as? String } ?? []).filter { $0.hasSuffix(".swift") }
            let files = try names.map { (name: $0, text: try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8)) }
            found += Self.violations(target: target, files: files)
        }
        XCTAssertEqual(found, [], "unit targets must not start processes or servers: move these to <Module>ProcessTests (docs/testing.md)")
    }
}
