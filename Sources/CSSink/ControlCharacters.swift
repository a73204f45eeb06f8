/// Control characters in feed text: C0 (U+0000-U+001F), DEL (U+007F) and C1 (U+0080-U+009F).
/// Feed text is untrusted and ends up on terminals (a table, `cat digest.md`, `tail` of a syslog
/// file): ESC starts escape sequences, and U+009B is a one-character CSI on many terminals, so
/// every format for people and syslog turns them into spaces.
enum ControlCharacters {
    static func isControl(_ c: Unicode.Scalar) -> Bool {
        c.value < 0x20 || (c.value >= 0x7F && c.value < 0xA0)
    }

    /// `text` with each control character a space, except those in `kept` (CSV's line breaks).
    static func spaced(_ text: String, keeping kept: Set<Unicode.Scalar> = []) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && !kept.contains($0) }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { isControl($0) && !kept.contains($0) ? " " : $0 }))
    }
}
