/// Relative `href` and `src` attributes in an item's HTML, resolved against the item's base URL
/// (xml:base, else the document URL), so that links in records work wherever they are read. Only the
/// attribute values change; the rest of the markup is kept byte for byte.
enum ContentLinks {
    static func resolve(_ html: String, base: String?) -> String {
        guard let base, !base.isEmpty else { return html }
        let b = Array(html.utf8)
        guard mayHaveLinks(b) else { return html }
        var out: [UInt8] = []
        out.reserveCapacity(b.count + 64)
        var copied = 0
        var i = 0
        var inTag = false
        var changed = false
        while i < b.count {
            let c = b[i]
            if !inTag {
                if c == UInt8(ascii: "<"), i + 1 < b.count, isLetter(b[i + 1]) { inTag = true }
                i += 1
                continue
            }
            if c == UInt8(ascii: ">") { inTag = false; i += 1; continue }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                // A quoted value of some other attribute: skip it whole.
                var k = i + 1
                while k < b.count, b[k] != c { k += 1 }
                i = k + 1
                continue
            }
            guard i > 0, isSpace(b[i - 1]), let nameEnd = linkAttribute(b, at: i) else { i += 1; continue }
            var k = nameEnd
            while k < b.count, isSpace(b[k]) { k += 1 }
            guard k < b.count, b[k] == UInt8(ascii: "=") else { i = nameEnd; continue }
            k += 1
            while k < b.count, isSpace(b[k]) { k += 1 }
            guard k < b.count else { break }
            let valueStart: Int, valueEnd: Int
            if b[k] == UInt8(ascii: "\"") || b[k] == UInt8(ascii: "'") {
                let quote = b[k]
                valueStart = k + 1
                var e = valueStart
                while e < b.count, b[e] != quote { e += 1 }
                valueEnd = e
                i = min(b.count, e + 1)
            } else {
                valueStart = k
                var e = k
                while e < b.count, !isSpace(b[e]), b[e] != UInt8(ascii: ">") { e += 1 }
                valueEnd = e
                i = e
            }
            let value = String(decoding: b[valueStart..<valueEnd], as: UTF8.self)
            if value.isEmpty || value.hasPrefix("#") || URLResolver.isAbsolute(value) { continue }
            let resolved = URLResolver.resolve(value, against: base)
            if resolved == value { continue }
            out.append(contentsOf: b[copied..<valueStart])
            out.append(contentsOf: Array(resolved.utf8))
            copied = valueEnd
            changed = true
        }
        guard changed else { return html }
        out.append(contentsOf: b[copied...])
        return String(decoding: out, as: UTF8.self)
    }

    /// `href` or `src` (any case) at `i`, followed by something that ends an attribute name.
    private static func linkAttribute(_ b: [UInt8], at i: Int) -> Int? {
        for name in [Array("href".utf8), Array("src".utf8)] {
            let end = i + name.count
            guard end < b.count else { continue }
            var ok = true
            for k in 0..<name.count where b[i + k] | 0x20 != name[k] { ok = false; break }
            if ok, isSpace(b[end]) || b[end] == UInt8(ascii: "=") { return end }
        }
        return nil
    }

    /// A cheap first look: does `href` or `src` (any case) occur at all?
    private static func mayHaveLinks(_ b: [UInt8]) -> Bool {
        var i = 0
        while i + 3 <= b.count {
            let c = b[i] | 0x20
            if c == UInt8(ascii: "h"), i + 4 <= b.count, b[i + 1] | 0x20 == UInt8(ascii: "r"), b[i + 2] | 0x20 == UInt8(ascii: "e"),
               b[i + 3] | 0x20 == UInt8(ascii: "f") { return true }
            if c == UInt8(ascii: "s"), b[i + 1] | 0x20 == UInt8(ascii: "r"), b[i + 2] | 0x20 == UInt8(ascii: "c") { return true }
            i += 1
        }
        return false
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
    private static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 97 && (c | 0x20) <= 122 }
}
