import CSCore
import CSFeed
import Foundation
import XCTest

/// Entity expansion and oversized items: what comes before the trouble is kept, the trouble is reported
/// where it is, and memory stays bounded.
final class EntityBudgetTests: XCTestCase {
    /// `good` items, then one whose title is a billion laughs, then one more; the line of the bomb.
    static func billionLaughs(good: Int) -> (doc: String, bombLine: Int) {
        var doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            doc += "<!ENTITY lol\(level) \"" + String(repeating: "&\(level == 1 ? "lol" : "lol\(level - 1)");", count: 10) + "\">\n"
        }
        doc += "]>\n<rss version=\"2.0\"><channel><title>t</title>\n"
        for i in 0..<good { doc += "<item><guid>g\(i)</guid><title>item \(i)</title><description>good \(i)</description></item>\n" }
        let bombLine = doc.filter { $0 == "\n" }.count + 1
        doc += "<item><guid>bomb</guid><title>&lol9;</title></item>\n<item><guid>after</guid></item>\n</channel></rss>\n"
        return (doc, bombLine)
    }

    func testBillionLaughsKeepsEveryItemBeforeItAndGivesItsLine() throws {
        for good in [0, 1, 50, 300] {
            let (doc, line) = Self.billionLaughs(good: good)
            let result = parseFeed(doc)
            XCTAssertEqual(result.records.map { $0.str("id") }, (0..<good).map { "g\($0)" }, "\(good) good items")
            let failure = try XCTUnwrap(result.error, "\(good) good items")
            XCTAssertEqual(failure.code, .resourceExhausted)
            XCTAssertTrue(failure.message.contains("entity expansion limit exceeded at line \(line) "), failure.message)
            XCTAssertTrue(failure.message.contains("\(good) items emitted before it"), failure.message)
        }
    }
}

/// An RSS document whose items each reference one `entityKB` KB entity `references` times.
func amplifiedRSS(items: Int, entityKB: Int, references: Int) -> String {
    var doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY big \"" + String(repeating: "x", count: entityKB * 1000) + "\">]>\n"
    doc += "<rss version=\"2.0\"><channel><title>t</title>\n"
    for i in 0..<items {
        doc += "<item><guid>g\(i)</guid><description>" + String(repeating: "&big;", count: references) + "</description></item>\n"
    }
    return doc + "</channel></rss>\n"
}

extension EntityBudgetTests {
    func testAnItemOverTheBudgetIsSkippedWithItsLineAndField() throws {
        // Two texts of 9.9 MB (each under libxml2's 10 MB for one text), 19.8 MB for the item.
        let nineMB = String(repeating: "lorem ipsum dolor sit\n", count: 9_900_000 / 22)
        let doc = "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>t</title>\n"
            + "<item><guid>a</guid></item>\n<item><guid>big</guid><description>\(nineMB)</description>"
            + "<content:encoded>\(nineMB)</content:encoded></item>\n<item><guid>c</guid></item>\n</channel></rss>\n"
        let result = parseFeed(doc)
        XCTAssertEqual(result.records.map { $0.str("id") }, ["a", "c"])
        let issue = try XCTUnwrap(result.issues.first { $0.code == .resourceExhausted })
        XCTAssertEqual(issue.item, 2)
        XCTAssertEqual(issue.message, "its text is larger than 16 MiB (in <content:encoded>, item at line 3); item skipped")

        // One text longer than libxml2 holds: reported as such, without reading the document again.
        let huge = parseFeed("<rss version=\"2.0\"><channel><title>t</title>\n<item><guid>a</guid></item>\n<item><guid>big</guid><description>"
                             + String(repeating: "lorem ipsum dolor\n", count: 12_000_000 / 18) + "</description></item>\n</channel></rss>\n")
        XCTAssertEqual(huge.records.map { $0.str("id") }, ["a"])
        XCTAssertEqual(huge.error?.code, .resourceExhausted)
        XCTAssertTrue(huge.error?.message.contains("a text longer than 10 MB") ?? false, huge.error?.message ?? "no error")
        XCTAssertFalse(huge.error?.message.contains("entit") ?? true)

        let amplified = parseFeed(amplifiedRSS(items: 2, entityKB: 100, references: 300))
        XCTAssertEqual(amplified.records.count, 0)
        XCTAssertEqual(amplified.issues(.resourceExhausted).map(\.text), [
            "item 1: its text expands past 16 MiB through entity references (in <description>, item at line 4); item skipped",
            "item 2: its text expands past 16 MiB through entity references (in <description>, item at line 5); item skipped"])
    }
}

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
        let path = try write("amplified.xml", amplifiedRSS(items: 8, entityKB: 100, references: 300))
        let run = try peakKiB(normalizing: path, readingChunksOf: 1 << 16, pause: 0)
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertEqual(run.stderr.components(separatedBy: "RESOURCE_EXHAUSTED").count - 1, 8, run.stderr)
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
        let path = try write("large-items.xml", amplifiedRSS(items: 24, entityKB: 100, references: 40))
        let run = try peakKiB(normalizing: path, readingChunksOf: 1 << 16, pause: 2000)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertLessThan(run.kib, 200 * 1024, "peak RSS \(run.kib) KiB")   // 134 MiB measured; 340 MiB before
    }
}
