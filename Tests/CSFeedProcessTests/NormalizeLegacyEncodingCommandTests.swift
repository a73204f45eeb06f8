import CSTestSupport
import Foundation
import XCTest

/// cs-normalize on large documents in legacy encodings (converted in chunks).
extension NormalizeCommandTests {
    /// A large document read from a file goes through the converter in chunks: sequences cut by a chunk
    /// boundary (and ISO-2022-JP's shift state) must survive.
    func testChunkBoundariesInsideMultiByteSequences() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("cs-legacy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        for (encoding, bytes) in FeedDocuments.nihongo {
            // Item sizes that are not a divisor of the chunk size, so boundaries fall everywhere.
            let titles = (0..<9000).map { n in bytes + Array(" \(n)".utf8) + Array(repeating: bytes, count: n % 7).flatMap { $0 } }
            let file = tmp.appendingPathComponent("\(encoding).xml")
            try Data(FeedDocuments.legacyRSS(encoding, titles: titles)).write(to: file)
            let p = Process()
            p.executableURL = try Self.binary
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
