import CSTestSupport
import Foundation
import XCTest

/// `make tlds`'s generator (Sources/tld-table/tld-table.sh) run on a small Public Suffix List.
final class TLDTableGeneratorTests: XCTestCase {
    /// The generator on a small PSL sample: ICANN labels only, ASCII only, sorted, the header, and the same
    /// bytes when run twice.
    func testGeneratorIsDeterministic() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tld-table-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let psl = dir.appendingPathComponent("public_suffix_list.dat")
        try """
            // This Source Code Form is subject to the terms of the Mozilla Public
            // VERSION: 2025-01-02_03-04-05_UTC
            // COMMIT: 0123456789abcdef

            // ===BEGIN ICANN DOMAINS===
            // zz : a comment
            zz
            co.zz
            *.ck
            !www.ck
            cc
            中国
            link
            aa
            // ===END ICANN DOMAINS===
            // ===BEGIN PRIVATE DOMAINS===
            blogspot.com
            onlyprivate
            // ===END PRIVATE DOMAINS===

            """.write(to: psl, atomically: true, encoding: .utf8)
        let first = dir.appendingPathComponent("first.swift"), second = dir.appendingPathComponent("second.swift")
        try runGenerator(psl, first)
        try runGenerator(psl, second)
        let a = try Data(contentsOf: first), b = try Data(contentsOf: second)
        XCTAssertEqual(a, b)
        let text = String(decoding: a, as: UTF8.self)
        XCTAssertTrue(text.contains("// VERSION: 2025-01-02_03-04-05_UTC\n// COMMIT: 0123456789abcdef\n"), text)
        XCTAssertTrue(text.contains("(sample 1.0)"), text)
        XCTAssertTrue(text.contains("Mozilla Public\n// License, v. 2.0."), text)
        XCTAssertTrue(text.contains("\n        aa cc ck link zz\n        \"\"\"\n"), text)
        XCTAssertFalse(text.contains("onlyprivate") || text.contains("中国"), text)
    }

    private func runGenerator(_ psl: URL, _ output: URL) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = [Repository.root.appendingPathComponent("Sources/tld-table/tld-table.sh").path, psl.path, output.path, "sample 1.0"]
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
    }
}
