@testable import CSEnrich
import CSTestSupport
import Foundation
import XCTest

/// EPSS files gzipped by /bin/gzip (as FIRST publishes them), whole and cut.
final class EPSSGzipTests: XCTestCase {
    func testEPSSGzipAndATruncatedGzip() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-epss-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var rows = "#model_version:v2025.03.14,score_date:2026-12-03T12:55:00Z\ncve,epss,percentile\n"
        // More than one read chunk (1 MiB), so that lines cross chunk boundaries.
        for i in 0..<50000 { rows += "CVE-2025-\(10000 + i),0.\(String(format: "%05d", i * 7 % 100000)),0.50000\n" }
        let plain = dir.appendingPathComponent("epss.csv")
        try rows.write(to: plain, atomically: true, encoding: .utf8)
        let gz = Process()
        gz.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gz.arguments = ["-k", plain.path]
        try gz.run()
        gz.waitUntilExit()
        var problems: [String] = []
        let table = try EPSSTable.load(path: plain.path + ".gz", problems: &problems)
        XCTAssertEqual(table.count, 50000)
        XCTAssertEqual(table.score(forCVE: "CVE-2025-59999")?.percentile, 0.5)
        XCTAssertEqual(try EPSSTable.load(path: plain.path, problems: &problems).count, 50000)
        XCTAssertEqual(problems, [])
        let whole = try Data(contentsOf: URL(fileURLWithPath: plain.path + ".gz"))
        let cut = dir.appendingPathComponent("cut.csv.gz")
        try whole.prefix(whole.count / 2).write(to: cut)
        XCTAssertThrowsError(try EPSSTable.load(path: cut.path, problems: &problems)) { error in
            XCTAssertTrue("\(error)".contains("cut.csv.gz: not a complete EPSS file"), "\(error)")
        }
    }
}
