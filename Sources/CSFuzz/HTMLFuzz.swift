import CSFeed

/// The item HTML reader (CSFeed's HTMLParser and text walker) on arbitrary bytes as UTF-8. Besides
/// crashes and sanitizer reports, a finding is text that breaks the text rules (an empty line, a space
/// at the start or end of a line or doubled, a newline at either end), an empty section entry, or a
/// result that depends on what the reused parser read before (compared with a fresh parser).
public enum HTMLFuzz {
    nonisolated(unsafe) static let shared = HTMLTextExtractor()

    public static func check(_ input: UnsafeRawBufferPointer) -> String? {
        let html = String(decoding: input, as: UTF8.self)
        let first = shared.extract(html)
        let fresh = HTMLTextExtractor().extract(html)
        if first != fresh { return "reused parser gave \(first.text.debugDescription), a fresh one \(fresh.text.debugDescription)" }
        let text = first.text
        if text.hasPrefix("\n") || text.hasSuffix("\n") { return "text starts or ends with a newline: \(text.debugDescription)" }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !text.isEmpty {
            if line.isEmpty { return "empty line in \(text.debugDescription)" }
            if line.hasPrefix(" ") || line.hasSuffix(" ") || line.contains("  ") {
                return "stray space in line \(String(line).debugDescription)"
            }
        }
        for entry in first.attackChain + first.impact + first.recommendations where entry.isEmpty {
            return "empty section entry"
        }
        return nil
    }
}
