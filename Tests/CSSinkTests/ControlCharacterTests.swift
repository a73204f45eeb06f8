import CSTestSupport
import XCTest
import CSCore
@testable import CSSink

/// Feed text with terminal control characters (C0 such as ESC, DEL, and C1 such as U+009B, a
/// one-character CSI) reaches no output meant for people or syslog raw.
final class ControlCharacterTests: XCTestCase {
    /// ESC ] (OSC), BEL, DEL, CSI as C1, NEL as C1, and a C1 string terminator.
    static let hostile = "A\u{1B}]0;owned\u{07}B\u{7F}C\u{9B}31mD\u{85}E\u{9C}F"

    private func hostileLine() -> String {
        var record = SinkFixtures.record(1, severity: "high", title: "Title " + ControlCharacterTests.hostile,
                                         tactics: [("TA0006", "Access " + ControlCharacterTests.hostile)],
                                         cves: ["CVE-2024-1\u{9B}2J"], summary: "Summary " + ControlCharacterTests.hostile)
        record["id"] = "id-" + ControlCharacterTests.hostile
        record["type"] = "type-" + ControlCharacterTests.hostile
        record["published"] = "\u{1B}[2J\u{9B}2J2026-04-01T00:00:00Z"
        record["url"] = "https://example.org/\u{9B}x"
        return SinkFixtures.line(record)
    }

    private func summary() throws -> AdvisorySummary {
        let scanner = RecordScanner()
        let bytes = Array(hostileLine().utf8)
        try bytes.withUnsafeBufferPointer { try scanner.scan($0) }
        return AdvisorySummary(scanner, sequence: 0)
    }

    /// The control characters in `text`, except those allowed.
    private func controls(_ text: String, allowing allowed: Set<Unicode.Scalar> = []) -> [UInt32] {
        text.unicodeScalars.filter { ($0.value < 0x20 || (0x7F..<0xA0).contains($0.value)) && !allowed.contains($0) }.map(\.value)
    }

    func testSyslogMessageCarriesNoControlCharacters() throws {
        let scanner = RecordScanner()
        let bytes = Array(hostileLine().utf8)
        try bytes.withUnsafeBufferPointer { try scanner.scan($0) }
        let message = try SyslogMessage(facility: 16, maxBytes: 8192).encode(scanner, timestamp: "2026-04-22T18:43:05Z").get()
        let text = String(decoding: message, as: UTF8.self)
        XCTAssertEqual(controls(text), [], text)
        XCTAssertTrue(text.contains("id=\"id-A \\]0;owned B C 31mD E F\""), text)
        XCTAssertTrue(text.hasSuffix("] Title A ]0;owned B C 31mD E F"), text)
    }

    func testTableMarkdownAndHTMLCarryNoControlCharacters() throws {
        let item = try summary()
        let table = TableFormatter(width: 200, color: false).render([item]).joined(separator: "\n")
        XCTAssertEqual(controls(table, allowing: ["\n"]), [], table)
        XCTAssertTrue(table.contains("   [2J 2J202  "), "the date column too: \(table)")
        let markdown = MarkdownFormatter().render([item])
        XCTAssertEqual(controls(markdown, allowing: ["\n"]), [], markdown)
        let report = HTMLFormatter()
        let scanner = RecordScanner()
        let bytes = Array(hostileLine().utf8)
        try bytes.withUnsafeBufferPointer { try scanner.scan($0) }
        report.add(scanner)
        let html = report.render()
        XCTAssertEqual(controls(html, allowing: ["\n"]), [], html)
        XCTAssertFalse(html.contains("href=\"https://example.org/"), "a URL with a control character is not linked")
    }

    func testCSVAndTSVCarryNoControlCharactersButCSVLineBreaks() {
        let csv = DelimitedFormatter(.csv), tsv = DelimitedFormatter(.tsv)
        XCTAssertEqual(csv.escape("a\u{1B}[31mb\u{9B}c\u{7F}d"), "a [31mb c d")
        XCTAssertEqual(csv.escape("two\r\nlines\tand tab"), "\"two\r\nlines\tand tab\"", "CSV keeps line breaks (quoted) and tabs")
        XCTAssertEqual(tsv.escape("a\u{1B}b\u{85}c\u{0}d"), "a b c d")
    }
}

/// What servers say reaches stderr (often a terminal) without control characters either.
final class ServerTextControlCharacterTests: XCTestCase {
    func testServerTextInDiagnosticsIsSpaced() {
        let hostile = ControlCharacterTests.hostile
        XCTAssertEqual(HTTPPoster.snippet(Array("<p>\(hostile)</p>".utf8)), "<p>A ]0;owned B C 31mD E F</p>")
        let error = JSON.object()
        error.set("type", .string("type\u{9B}2J"))
        error.set("reason", .string("reason \(hostile)"))
        XCTAssertEqual(ElasticBulkEndpoint.describe(error), " type 2J: reason A ]0;owned B C 31mD E F")
        XCTAssertEqual(HECAnswer(Array(#"{"text":"busy\u009b2J","code":9}"#.utf8)).description, ": busy 2J (code 9)")
    }
}
