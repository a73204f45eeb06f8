import CSTestSupport
import Foundation
import XCTest

/// Peak memory of cs-normalize on generated inputs (GNU time's maximum resident set size).
extension NormalizeCommandTests {
    /// Runs cs-normalize on `path` under GNU time, reading its output `chunk` bytes at a time with
    /// `pause` microseconds between reads (a slow reader), and returns the peak RSS in KiB.
    func peakKiB(normalizing path: String, readingChunksOf chunk: Int, pause: UInt32) throws -> (kib: Int, status: Int32, stderr: String) {
        let time = "/usr/bin/time"
        guard FileManager.default.isExecutableFile(atPath: time) else { throw XCTSkip("\(time) not available to measure peak memory") }
        let report = tmp.appendingPathComponent("time-\(UUID().uuidString).txt")
        let errURL = tmp.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: time)
        p.arguments = ["-f", "%M", "-o", report.path, try Self.binary.path, path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = try FileHandle(forWritingTo: errURL)
        try p.run()
        while true {
            let data = try out.fileHandleForReading.read(upToCount: chunk) ?? Data()
            if data.isEmpty { break }
            if pause > 0 { usleep(pause) }   // a slow reader, not a synchronisation: the bound holds at any speed
        }
        p.waitUntilExit()
        let text = try String(contentsOf: report, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let kib = try XCTUnwrap(Int(text.split(separator: "\n").last ?? ""), text)
        return (kib, p.terminationStatus, try String(contentsOf: errURL, encoding: .utf8))
    }

    /// The shape from the issue: one 100 KB entity referenced 300 times in each item (30 MB of text
    /// per item, from a 240 KB document), which took 800 MB.
    func testAmplifiedItemsAreSkippedInBoundedMemory() throws {
        let path = try write("amplified.xml", FeedDocuments.amplifiedRSS(items: 8, entityKB: 100, references: 300))
        let run = try peakKiB(normalizing: path, readingChunksOf: 1 << 16, pause: 0)
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertEqual(run.stderr.components(separatedBy: "item skipped (RESOURCE_EXHAUSTED)").count - 1, 8, run.stderr)
        XCTAssertLessThan(run.kib, 96 * 1024, "peak RSS \(run.kib) KiB")
    }

    /// A description of 60 MB, more than libxml2 holds in one text: reported as such, in bounded memory
    /// (the document was read again whole for recovery: 3.2 GB for a 1.1 GB description).
    func testAHugeDescriptionIsReportedInBoundedMemory() throws {
        let line = String(repeating: "lorem ipsum dolor sit amet ", count: 40) + "\n"
        let doc = "<rss version=\"2.0\"><channel><title>t</title><item><guid>a</guid></item><item><guid>big</guid><description>"
            + String(repeating: line, count: 60_000_000 / line.utf8.count) + "</description></item><item><guid>c</guid></item></channel></rss>\n"
        let path = try write("huge.xml", doc)
        let run = try peakKiB(normalizing: path, readingChunksOf: 1 << 16, pause: 0)
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertTrue(run.stderr.contains("a text longer than 10 MB (libxml2's limit for one text) reaches line "), run.stderr)
        XCTAssertFalse(run.stderr.contains("entity"), run.stderr)
        XCTAssertLessThan(run.kib, 96 * 1024, "peak RSS \(run.kib) KiB")
    }

    /// Items under the budget (4 MB of text each, 12 MB as records) behind a slow reader: the queue
    /// between the threads is bounded in bytes, so it does not hold all of them.
    func testASlowReaderHoldsBackTheReadingThread() throws {
        let path = try write("large-items.xml", FeedDocuments.amplifiedRSS(items: 24, entityKB: 100, references: 40))
        let run = try peakKiB(normalizing: path, readingChunksOf: 1 << 16, pause: 2000)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertLessThan(run.kib, 200 * 1024, "peak RSS \(run.kib) KiB")   // 134 MiB measured; 340 MiB before
    }
}
