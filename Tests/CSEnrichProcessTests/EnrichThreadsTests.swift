import CSTestSupport
import Foundation
import XCTest

/// cs-enrich enriches on two threads when its output is a pipe or file (EnrichBatch) and on one when it is
/// line-buffered: records, rejections and warnings come out the same, in input order.
final class EnrichThreadsTests: XCTestCase {
    /// The bundled example feeds' records, repeated with distinct ids over several batches (256 lines
    /// each), with lines to reject and a record whose priority evidence draws a warning among them.
    private func input() throws -> (text: String, records: Int) {
        let feeds = try FileManager.default.contentsOfDirectory(atPath: Repository.root.appendingPathComponent("examples/feeds").path)
            .sorted().map { "examples/feeds/" + $0 }
        var arguments = feeds.map { Repository.root.appendingPathComponent($0).path }
        arguments.insert("--quiet", at: 0)
        let normalized = try runTool("cs-normalize", arguments)
        XCTAssertEqual(normalized.status, 0, normalized.stderr)
        let base = normalized.stdout.split(separator: "\n").map(String.init)
        XCTAssertGreaterThan(base.count, 5)
        var lines: [String] = []
        var records = 0
        for i in 0..<700 {
            switch i % 97 {
            case 13: lines.append("not json \(i)")
            case 41: lines.append(#"{"schema":"cs.other/1","id":"x\#(i)"}"#)
            case 70: lines.append(recordLine(title: "Vector \(i)", text: "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H and CVSS 11.5 here."))
                records += 1
            default:
                let line = base[i % base.count]
                lines.append(line.replacingOccurrences(of: #""id":""#, with: #""id":"\#(i)-"#))
                records += 1
            }
        }
        return (lines.joined(separator: "\n") + "\n", records)
    }

    func testTwoThreadsWriteWhatOneThreadWrites() throws {
        let (text, records) = try input()
        let two = try runTool("cs-enrich", [], stdin: text)          // stdout is a pipe: two threads
        let one = try runTool("cs-enrich", ["--line-buffered"], stdin: text)
        XCTAssertEqual(two.status, 2, "some lines are rejected: \(two.stderr.prefix(500))")
        XCTAssertEqual(one.status, two.status)
        let twoLines = two.stdout.split(separator: "\n"), oneLines = one.stdout.split(separator: "\n")
        XCTAssertEqual(twoLines.count, records)
        XCTAssertEqual(oneLines.count, records)
        for (k, (a, b)) in zip(twoLines, oneLines).enumerated() where a != b {
            XCTFail("record \(k) differs:\n\(a)\n\(b)")
            break
        }
        XCTAssertEqual(two.stderr, one.stderr, "rejections and warnings in the same order")
        XCTAssertTrue(two.stderr.contains("<stdin>:14: not a JSON object"), two.stderr)
        // Records keep the input's order: ids "0-…", "1-…", … with the rejected lines left out.
        let ids = try twoLines.map { line -> Int in
            let o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let id = try XCTUnwrap(o["id"] as? String)
            return Int(id.prefix { $0 != "-" }) ?? -1
        }
        let numbered = ids.filter { $0 >= 0 }
        XCTAssertEqual(numbered, numbered.sorted())
        XCTAssertGreaterThan(numbered.count, 600)
    }

    /// Several inputs, one of them missing: its error comes after the records and diagnostics of the input
    /// before it, on two threads as on one.
    func testInputsAreFinishedInTurn() throws {
        let lines = try input().text.split(separator: "\n")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-enrich-threads-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = dir.appendingPathComponent("first.ndjson"), second = dir.appendingPathComponent("second.ndjson")
        try (lines[..<300].joined(separator: "\n") + "\n").write(to: first, atomically: true, encoding: .utf8)
        try (lines[300...].joined(separator: "\n") + "\n").write(to: second, atomically: true, encoding: .utf8)
        let arguments = [first.path, dir.appendingPathComponent("missing.ndjson").path, second.path]
        let two = try runTool("cs-enrich", arguments)
        let one = try runTool("cs-enrich", ["--line-buffered"] + arguments)
        XCTAssertEqual(two.stdout, one.stdout)
        XCTAssertEqual(two.stderr, one.stderr)
        XCTAssertTrue(two.stderr.contains("missing.ndjson"), two.stderr)
    }
}
