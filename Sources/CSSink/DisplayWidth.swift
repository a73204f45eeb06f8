/// Terminal columns taken by text: East Asian wide and fullwidth characters (CJK, Hangul, fullwidth
/// forms, most emoji) take two, everything else one per grapheme cluster, so tables stay aligned
/// for feeds written in Japanese, Chinese or Korean.
enum DisplayWidth {
    static func of(_ c: Character) -> Int {
        guard let v = c.unicodeScalars.first?.value else { return 0 }
        if v < 0x1100 { return 1 }
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    static func of(_ s: String) -> Int {
        // Printable ASCII is one column a byte; only other text needs grapheme clusters.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return s.utf8.count }
        return s.reduce(0) { $0 + of($1) }
    }

    /// The longest prefix of `s` that fits in `width` columns, with "…" when something was cut.
    static func truncate(_ s: String, _ width: Int) -> String {
        guard of(s) > width else { return s }
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            return width > 1 ? String(decoding: s.utf8.prefix(width - 1), as: UTF8.self) + "…" : (width == 1 ? "…" : "")
        }
        guard width > 1 else { return width == 1 ? "…" : "" }
        var out = ""
        var used = 0
        for c in s {
            let w = of(c)
            if used + w > width - 1 { break }
            out.append(c)
            used += w
        }
        return out + "…"
    }

    static func pad(_ s: String, _ width: Int) -> String {
        let w = of(s)
        return w >= width ? s : s + String(repeating: " ", count: width - w)
    }
}
