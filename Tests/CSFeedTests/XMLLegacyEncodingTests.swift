import CSCore
import Foundation
import XCTest
import CSFeed

/// Documents in legacy encodings are converted to UTF-8 by cs (iconv) before libxml2 reads them: a byte
/// the encoding does not define costs one U+FFFD, not the rest of the document.
final class XMLLegacyEncodingTests: XCTestCase {
    /// "日本語" in each encoding.
    private static let nihongo: [String: [UInt8]] = [
        "EUC-JP": [0xC6, 0xFC, 0xCB, 0xDC, 0xB8, 0xEC],
        "Shift_JIS": [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA],
        "ISO-2022-JP": [0x1B, 0x24, 0x42, 0x46, 0x7C, 0x4B, 0x5C, 0x38, 0x6C, 0x1B, 0x28, 0x42],
    ]

    /// An RSS document in `encoding` whose items have the given raw title bytes.
    private func rss(_ encoding: String, titles: [[UInt8]], declared: Bool = true) -> [UInt8] {
        var doc = Array((declared ? "<?xml version=\"1.0\" encoding=\"\(encoding)\"?>" : "") .utf8)
        doc += Array("\n<rss version=\"2.0\"><channel><title>t</title>\n".utf8)
        for (n, title) in titles.enumerated() {
            doc += Array("<item><guid>g\(n)</guid><title>".utf8) + title + Array("</title></item>\n".utf8)
        }
        return doc + Array("</channel></rss>\n".utf8)
    }

    func testEachJapaneseEncodingReadsTheSameText() {
        for (encoding, bytes) in Self.nihongo {
            let result = parseFeed(rss(encoding, titles: [bytes + Array(" 1".utf8)]))
            XCTAssertEqual(result.only?.str("title"), "日本語 1", encoding)
            XCTAssertTrue(result.issues.isEmpty, "\(encoding): \(result.issues.map(\.message))")
        }
    }

    func testInvalidBytesAreReplacedAndTheRestOfTheDocumentKept() throws {
        let good = Self.nihongo["EUC-JP"]!
        let result = parseFeed(rss("EUC-JP", titles: [good, good + [0xFF, 0xFE] + Array(" bad".utf8), good]))
        XCTAssertEqual(result.records.map { $0.str("id") }, ["g0", "g1", "g2"], "items after the bad bytes are lost")
        XCTAssertEqual(result.records[1].str("title"), "日本語\u{FFFD}\u{FFFD} bad")
        XCTAssertEqual(result.records[2].str("title"), "日本語")
        let loss = result.issues(.dataLoss)
        XCTAssertEqual(loss.count, 1, "\(result.issues.map(\.message))")
        XCTAssertTrue(loss.first?.message.contains("2 bytes not valid in euc-jp") == true, loss.first?.message ?? "")
        XCTAssertFalse(result.issues.contains { $0.message.contains("malformed") }, "\(result.issues.map(\.message))")
    }

    func testHTTPCharsetNamesTheEncodingOfAnUndeclaredDocument() {
        let doc = rss("", titles: [Self.nihongo["Shift_JIS"]!], declared: false)
        let result = parseFeed(doc, source: FeedSource(contentType: "application/rss+xml; charset=\"Shift_JIS\""))
        XCTAssertEqual(result.only?.str("title"), "日本語")
    }

    func testISO88591IsReadAsWindows1252() {
        // 0x93/0x94 are smart quotes in windows-1252 (controls in ISO-8859-1); 0x81 is undefined in
        // windows-1252 and maps to U+0081 as the Encoding Standard says.
        let result = parseFeed(rss("ISO-8859-1", titles: [[0x93, 0x63, 0x61, 0x66, 0xE9, 0x94, 0x20, 0x81]]))
        XCTAssertEqual(result.only?.str("title"), "\u{201C}caf\u{E9}\u{201D} \u{81}")
        XCTAssertTrue(result.issues(.dataLoss).isEmpty, "\(result.issues.map(\.message))")
    }

    func testUSASCIILabelledUTF8IsReadAsUTF8() {
        let result = parseFeed(rss("us-ascii", titles: [Array("café".utf8), [0x41, 0xE9, 0x42]]))
        XCTAssertEqual(result.records.map { $0.str("title") }, ["café", "A\u{FFFD}B"])
        XCTAssertTrue(result.issues.contains { $0.code == .dataLoss && $0.message.contains("UTF-8") })
    }

    func testUnknownEncodingIsStillReportedNotCrashed() {
        let result = parseFeed(rss("x-no-such-charset", titles: [Array("plain".utf8)]))
        // libxml2 is left to decide; whatever it does, cs says something or emits the item.
        XCTAssertTrue(!result.records.isEmpty || result.error != nil || !result.issues.isEmpty)
    }

    /// A large document read from a file goes through the converter in chunks: sequences cut by a chunk
    /// boundary (and ISO-2022-JP's shift state) must survive.
    func testChunkBoundariesInsideMultiByteSequences() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("cs-legacy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        for (encoding, bytes) in Self.nihongo {
            // Item sizes that are not a divisor of the chunk size, so boundaries fall everywhere.
            let titles = (0..<9000).map { n in bytes + Array(" \(n)".utf8) + Array(repeating: bytes, count: n % 7).flatMap { $0 } }
            let file = tmp.appendingPathComponent("\(encoding).xml")
            try Data(rss(encoding, titles: titles)).write(to: file)
            let p = Process()
            p.executableURL = try NormalizeCommandTests.binary
            p.arguments = [file.path]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            let records = String(decoding: data, as: UTF8.self).split(separator: "\n")
            XCTAssertEqual(records.count, 9000, encoding)
            XCTAssertEqual(p.terminationStatus, 0, encoding)
            XCTAssertFalse(records.contains { $0.contains("\u{FFFD}") }, "\(encoding): a sequence was broken at a chunk boundary")
            XCTAssertTrue(records.last?.contains("\"title\":\"日本語 8999") == true, encoding)
        }
    }
}
