import CLibXML2
import CSCore
import Foundation
@testable import CSFeed

/// What libxml2's HTML parser (LibXML2HTMLOracle) made of each input, saved so that HTMLParser is compared
/// with a fixed reference that survives a libxml2 upgrade. Goldens/<name>.tsv: a first line naming the
/// libxml2 version that wrote it, then one line per input, `sha256(input) TAB sha256(output)`; hashes keep
/// the file small whatever the corpus holds. CS_UPDATE_GOLDENS=1 rewrites the file from the live oracle.
struct HTMLOracleGoldens {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens")
    /// The libxml2 this build uses ("2.9.14").
    static let liveVersion: String = LIBXML_DOTTED_VERSION
    static var updating: Bool { ProcessInfo.processInfo.environment["CS_UPDATE_GOLDENS"] == "1" }

    let url: URL
    private(set) var version: String
    private(set) var outputs: [String: String]

    init(_ name: String) throws {
        url = Self.directory.appendingPathComponent(name + ".tsv")
        version = ""
        outputs = [:]
        guard !Self.updating else { version = Self.liveVersion; return }
        let text = try String(contentsOf: url, encoding: .utf8)
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# libxml2 ") { version = String(line.dropFirst("# libxml2 ".count)); continue }
            let fields = line.split(separator: "\t")
            if fields.count == 2 { outputs[String(fields[0])] = String(fields[1]) }
        }
    }

    /// The digest of what the reader made of an input: its text and its three sections.
    static func digest(_ extracted: (text: String, sections: Sections)) -> String {
        let s = extracted.sections
        let parts = [extracted.text] + [s.attackChain, s.impact, s.recommendations].map { $0.joined(separator: "\u{1F}") }
        return SHA256.hex(parts.joined(separator: "\u{1E}"))
    }

    static func key(_ input: String) -> String { SHA256.hex(input) }

    /// The oracle's digest for `input`, nil when the goldens do not have it.
    func output(for input: String) -> String? { outputs[Self.key(input)] }

    mutating func record(_ input: String, _ oracleDigest: String) { outputs[Self.key(input)] = oracleDigest }

    /// Writes the file (sorted, so that a rewrite shows only what changed).
    func save() throws {
        try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
        let lines = outputs.sorted { $0.key < $1.key }.map { "\($0.key)\t\($0.value)" }
        try (["# libxml2 \(version)"] + lines).joined(separator: "\n").appending("\n").write(to: url, atomically: true, encoding: .utf8)
    }
}
