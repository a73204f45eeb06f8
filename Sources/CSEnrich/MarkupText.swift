/// The text of a field that may hold HTML (a record's `summary` is an RSS `description`, usually HTML):
/// tags, comments and the content of `<script>` and `<style>` become one space each, and character
/// references are decoded. Indicators come from what a reader sees, not from attribute values: a
/// tracking pixel's `<img src>` or an `<svg xmlns="http://www.w3.org/2000/svg">` is not an indicator.
enum MarkupText {
    /// Whether `b` holds a tag (see `isTagStart`) with a '>' later on. Plain text with a '<'
    /// ("versions < 2.4", "<https://…>") has none and is left as it is.
    static func hasTag(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = b.count
        var i = 0
        while i + 1 < n {
            if b[i] == UInt8(ascii: "<"), isTagStart(b, i + 1) {
                for k in (i + 2)..<n where b[k] == UInt8(ascii: ">") { return true }
                return false
            }
            i += 1
        }
        return false
    }

    /// Rewrites `b` in place (the text only gets shorter) and returns its new length.
    static func strip(_ b: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let n = b.count
        var r = 0, w = 0
        while r < n {
            let c = b[r]
            if c == UInt8(ascii: "<"), isTagStart(UnsafeBufferPointer(b), r + 1), let end = tagEnd(b, r) {
                r = skipRawText(b, tagStart: r, tagEnd: end)
                if w > 0, b[w - 1] != 0x20 { b[w] = 0x20; w += 1 }
                continue
            }
            if c == UInt8(ascii: "&"), let (scalar, length) = characterReference(b, r) {
                r += length
                for byte in String(Character(scalar)).utf8 { b[w] = byte; w += 1 }   // never longer than the reference
                continue
            }
            b[w] = c; w += 1; r += 1
        }
        return w
    }

    /// What follows a '<' that opens a tag: '!' or '?' (a comment, a declaration), or an element name
    /// (after '/' for an end tag: letters, digits, '-') ending at a space, '/' or '>'; so "<https://x>"
    /// and "<3" are text.
    static func isTagStart(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) -> Bool {
        let n = b.count
        guard at < n else { return false }
        if b[at] == UInt8(ascii: "!") || b[at] == UInt8(ascii: "?") { return true }
        var k = b[at] == UInt8(ascii: "/") ? at + 1 : at
        guard k < n, isLetter(b[k]) else { return false }
        while k < n, isLetter(b[k]) || (b[k] >= 48 && b[k] <= 57) || b[k] == UInt8(ascii: "-") { k += 1 }
        guard k < n else { return false }
        let c = b[k]
        return c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == UInt8(ascii: "/") || c == UInt8(ascii: ">")
    }

    @inline(__always) static func isLetter(_ c: UInt8) -> Bool { c | 0x20 >= 97 && c | 0x20 <= 122 }

    /// The index just past the tag starting at `s` ('>' outside quoted attribute values; "-->" for a
    /// comment), or nil when it never ends (then the '<' is text).
    static func tagEnd(_ b: UnsafeMutableBufferPointer<UInt8>, _ s: Int) -> Int? {
        let n = b.count
        if s + 3 < n, b[s + 1] == UInt8(ascii: "!"), b[s + 2] == UInt8(ascii: "-"), b[s + 3] == UInt8(ascii: "-") {
            var k = s + 4
            while k + 2 < n {
                if b[k] == UInt8(ascii: "-"), b[k + 1] == UInt8(ascii: "-"), b[k + 2] == UInt8(ascii: ">") { return k + 3 }
                k += 1
            }
            return n
        }
        var quote: UInt8 = 0
        for k in (s + 1)..<n {
            let c = b[k]
            if quote != 0 { if c == quote { quote = 0 } }
            else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") { quote = c }
            else if c == UInt8(ascii: ">") { return k + 1 }
        }
        return nil
    }

    /// After `<script …>` or `<style …>`: past the matching end tag (their content is code, not text).
    /// After any other tag: `tagEnd`.
    static func skipRawText(_ b: UnsafeMutableBufferPointer<UInt8>, tagStart s: Int, tagEnd: Int) -> Int {
        for name in rawTextElements where hasName(b, s + 1, name) {
            var k = tagEnd
            while k + 1 < b.count {
                if b[k] == UInt8(ascii: "<"), b[k + 1] == UInt8(ascii: "/"), hasName(b, k + 2, name) {
                    return self.tagEnd(b, k) ?? b.count
                }
                k += 1
            }
            return b.count
        }
        return tagEnd
    }

    static let rawTextElements: [[UInt8]] = [Array("script".utf8), Array("style".utf8)]

    /// `name` (any case) at `at`, not followed by another letter.
    static func hasName(_ b: UnsafeMutableBufferPointer<UInt8>, _ at: Int, _ name: [UInt8]) -> Bool {
        guard at + name.count <= b.count else { return false }
        for (k, c) in name.enumerated() where b[at + k] | 0x20 != c { return false }
        let after = at + name.count
        return after == b.count || !(b[after] | 0x20 >= 97 && b[after] | 0x20 <= 122)
    }

    /// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&nbsp;` (a space), `&#NN;`, `&#xHH;` at `s`: the
    /// character and the reference's length; nil for anything else (then the '&' is text).
    static func characterReference(_ b: UnsafeMutableBufferPointer<UInt8>, _ s: Int) -> (Unicode.Scalar, Int)? {
        var k = s + 1
        while k < b.count, k - s <= 10, b[k] != UInt8(ascii: ";") { k += 1 }
        guard k < b.count, b[k] == UInt8(ascii: ";"), k > s + 1 else { return nil }
        let name = Array(b[(s + 1)..<k])
        let length = k + 1 - s
        if name[0] == UInt8(ascii: "#") {
            let hex = name.count > 1 && name[1] | 0x20 == UInt8(ascii: "x")
            let digits = String(decoding: name.dropFirst(hex ? 2 : 1), as: UTF8.self)
            guard !digits.isEmpty, let v = UInt32(digits, radix: hex ? 16 : 10), v != 0, let scalar = Unicode.Scalar(v) else { return nil }
            return (scalar, length)
        }
        switch String(decoding: name, as: UTF8.self) {
        case "amp": return ("&", length)
        case "lt": return ("<", length)
        case "gt": return (">", length)
        case "quot": return ("\"", length)
        case "apos": return ("'", length)
        case "nbsp": return (" ", length)
        default: return nil
        }
    }
}
