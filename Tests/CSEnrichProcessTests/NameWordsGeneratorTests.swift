import CSTestSupport
import Foundation
import XCTest

/// `make name-words`'s generator (Sources/name-words/name-words.sh) run on a small word list and table.
final class NameWordsGeneratorTests: XCTestCase {
    /// The generator on a small word list and table: lowercase entries only, single words only, sorted,
    /// and the same bytes when run twice.
    func testGeneratorIsDeterministic() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("name-words-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let words = dir.appendingPathComponent("words"), tables = dir.appendingPathComponent("ATTACKTables.swift")
        try "silence\nSilence's\nRamsay\nempire\ncobalt\nzebra\nequation\n".write(to: words, atomically: true, encoding: .utf8)
        try """
            static let version = "18.1"
                G0091|Silence|Silence;Whisper Spider|
                G0020|Equation|Equation|
                G9999|Ramsay Group|Ramsay|
                S0363|Empire|tool|Empire;PowerShell Empire|
                S0154|Cobalt Strike|tool|Cobalt Strike|
                S0140|Shamoon|malware|Shamoon;Disttrack|
            """.write(to: tables, atomically: true, encoding: .utf8)
        let script = Repository.root.appendingPathComponent("Sources/name-words/name-words.sh").path
        var outputs: [String] = []
        for n in 1...2 {
            let out = dir.appendingPathComponent("out\(n).swift")
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = [script, words.path, tables.path, out.path, "test words"]
            try p.run()
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0)
            outputs.append(try String(contentsOf: out, encoding: .utf8))
        }
        XCTAssertEqual(outputs[0], outputs[1])
        XCTAssertTrue(outputs[0].contains("        empire equation silence\n"), outputs[0])
        XCTAssertTrue(outputs[0].contains("ATT&CK 18.1") && outputs[0].contains("Word list: test words."), outputs[0])
        XCTAssertFalse(outputs[0].contains("ramsay") || outputs[0].contains("cobalt"), outputs[0])
    }
}
