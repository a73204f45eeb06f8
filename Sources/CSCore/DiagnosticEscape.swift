/// Text from feeds and records (titles, ids, file names, server answers) reaches stderr in diagnostics.
/// Raw, its control characters could drive the terminal (`ESC]0;…` retitles it, `ESC[2K` and `\r` erase
/// the real error) and bidi overrides could reorder what is shown. Diagnostics pass it through here.
public enum DiagnosticEscape {
    /// `text` with C0 controls and DEL shown as `\x1b`, C1 controls and bidi controls as `\u{9b}`.
    public static func visible(_ text: String) -> String {
        if !text.utf8.contains(where: { $0 < 0x20 || $0 >= 0x7F }) { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x20 || v == 0x7F {
                out.append(contentsOf: "\\x\(hex(v, width: 2))".unicodeScalars)
            } else if isC1(v) || isBidiControl(v) {
                out.append(contentsOf: "\\u{\(String(v, radix: 16))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// A serialized JSON line with DEL, C1 and bidi controls inside its strings written as `\u` escapes
    /// (jansson escapes C0 itself). The JSON means the same; a terminal showing it is not driven by it.
    /// Outside strings JSON is ASCII, so every such sequence found is inside a string.
    public static func json(_ line: [UInt8]) -> [UInt8] {
        if !line.contains(where: { $0 >= 0x7F }) { return line }
        var out: [UInt8] = []
        out.reserveCapacity(line.count + 16)
        var i = 0
        while i < line.count {
            let c = line[i]
            let (scalar, length) = c < 0x80 ? (UInt32(c), 1) : decode(line, at: i)
            if scalar == 0x7F || isC1(scalar) || isBidiControl(scalar) {
                out.append(contentsOf: Array("\\u\(hex(scalar, width: 4).uppercased())".utf8))
            } else {
                out.append(contentsOf: line[i..<(i + length)])
            }
            i += length
        }
        return out
    }

    static func isC1(_ v: UInt32) -> Bool { v >= 0x80 && v <= 0x9F }

    /// Bidi embeddings, overrides and isolates, and the invisible direction marks.
    static func isBidiControl(_ v: UInt32) -> Bool {
        (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069) || v == 0x200E || v == 0x200F || v == 0x061C
    }

    private static func hex(_ v: UInt32, width: Int) -> String {
        let digits = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// The scalar of the (valid) UTF-8 sequence at `i`, and its length; a stray byte stands for itself.
    private static func decode(_ b: [UInt8], at i: Int) -> (UInt32, Int) {
        let c = b[i]
        let length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1
        guard length > 1, i + length <= b.count else { return (UInt32(c), 1) }
        var v = UInt32(c) & (0xFF >> (length + 1))
        for k in 1..<length { v = v << 6 | UInt32(b[i + k] & 0x3F) }
        return (v, length)
    }
}
