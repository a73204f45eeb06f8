import CSCore
import CSTestSupport
import Foundation
import XCTest

/// Found by fuzz-feed: a document whose bytes do not decode in its declared encoding made libxml2 print
/// "encoding error : …" and "I/O error : encoder error" straight to stderr, so `--log-format json`
/// output had raw lines between its JSON diagnostics. Every stderr line must be one JSON object.
final class XMLEncodingErrorLogTests: XCTestCase {
    func testDecodingErrorsOnlyAppearAsJSONDiagnostics() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-enc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let doc = Data(#"<?xml version="1.0" encoding="EUC-JP"?><rss version="2.0"><channel><item><guid>a</guid><title>"#.utf8)
            + Data([0x8E, 0xFF, 0xA1]) + Data("</title></item></channel></rss>".utf8)
        let file = dir.appendingPathComponent("euc.xml")
        try doc.write(to: file)

        let p = Process()
        p.executableURL = try NormalizeCommandTests.binary
        p.arguments = ["--log-format", "json", file.path]
        let errURL = dir.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let err = try FileHandle(forWritingTo: errURL)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        p.waitUntilExit()
        try err.close()
        let lines = try String(contentsOf: errURL, encoding: .utf8).split(separator: "\n")
        XCTAssertFalse(lines.isEmpty, "the decoding problem is not reported")
        for line in lines {
            XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
        }
    }
}
