import CSTestSupport
import Foundation
import XCTest

/// The built attack-tables generator (`make attack-tables`) against the committed tables.
final class ATTACKTablesGeneratorTests: XCTestCase {
    func testCommittedTablesAreWhatTheGeneratorWritesToday() throws {
        let attack = try requireShared("attack/enterprise-attack-18.1.json")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("ATTACKTables-\(UUID().uuidString).swift")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try runTool("attack-tables", [attack.path, out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let generated = try String(contentsOf: out, encoding: .utf8)
        let committed = try String(contentsOf: Repository.root.appendingPathComponent("Sources/CSAttack/ATTACKTables.swift"), encoding: .utf8)
        XCTAssertTrue(generated == committed, "Sources/CSAttack/ATTACKTables.swift is stale: run make attack-tables")
    }
}
