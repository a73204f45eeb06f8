/// Whether an XML document's bytes reach the end of its root element. libxml2's errors alone do not say
/// whether a document was cut short: a cut inside a start tag reads as "attributes construct error", one
/// inside `</rss>` as a tag mismatch, and its recovering parser then closes what is open. So the bytes
/// themselves are looked at (only after libxml2 stopped at an error, with the whole document at hand).
enum XMLDocumentEnd {
    enum State: Equatable {
        /// The root element is closed (or empty, `<rss/>`), possibly followed by other content.
        case complete
        /// The document ends before its root start tag is complete: in the prolog, or inside `<rss ...`.
        case beforeRoot
        /// The root element (its name as written) is still open at the end of the document.
        case insideRoot(String)
        /// Not markup cs can follow (text before the root, UTF-16): nothing is claimed.
        case unknown
    }

    /// How far from the end the root's end tag is looked for: anything after it is a few comments,
    /// processing instructions or stray bytes, never much.
    static let tailWindow = 64 << 10

    static func classify(_ d: UnsafeRawBufferPointer) -> State {
        let n = d.count
        if XMLRepair.isWide(UnsafeRawBufferPointer(rebasing: d.prefix(512))) { return .unknown }
        var i = 0
        if n >= 3, d[0] == 0xEF, d[1] == 0xBB, d[2] == 0xBF { i = 3 }
        // The prolog: declaration, processing instructions, comments, a doctype, whitespace.
        while true {
            while i < n, isSpace(d[i]) { i += 1 }
            guard i < n else { return .beforeRoot }
            guard d[i] == UInt8(ascii: "<") else { return .unknown }
            guard i + 1 < n else { return .beforeRoot }
            if d[i + 1] == UInt8(ascii: "?") {
                guard let end = find(d, "?>", from: i + 2) else { return .beforeRoot }
                i = end + 2
            } else if starts(d, "<!--", at: i) {
                guard let end = find(d, "-->", from: i + 4) else { return .beforeRoot }
                i = end + 3
            } else if d[i + 1] == UInt8(ascii: "!") {
                guard let end = doctypeEnd(d, from: i + 2) else { return .beforeRoot }
                i = end + 1
            } else {
                break
            }
        }
        // The root start tag: its name, then its end outside quoted attribute values.
        let nameStart = i + 1
        var j = nameStart
        while j < n, !isSpace(d[j]), d[j] != UInt8(ascii: ">"), d[j] != UInt8(ascii: "/") { j += 1 }
        guard j < n, j > nameStart else { return j < n ? .unknown : .beforeRoot }
        let name = Array(d[nameStart..<j])
        var quote: UInt8 = 0
        while j < n {
            let c = d[j]
            if quote != 0 { if c == quote { quote = 0 } }
            else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") { quote = c }
            else if c == UInt8(ascii: ">") { break }
            j += 1
        }
        guard j < n else { return .beforeRoot }
        if d[j - 1] == UInt8(ascii: "/") { return .complete }
        return closes(d, name: name, after: j + 1) ? .complete : .insideRoot(String(decoding: name, as: UTF8.self))
    }

    /// True when the last tag named `localName` (any prefix) in the document is a start tag: the item it
    /// opens was cut off by the end of the document.
    static func lastIsOpen(_ d: UnsafeRawBufferPointer, localName: String) -> Bool {
        let name = Array(localName.utf8)
        var k = d.count - name.count
        let stop = max(0, d.count - tailWindow * 16)
        while k > stop {
            defer { k -= 1 }
            let before = d[k - 1]
            guard before == UInt8(ascii: "<") || before == UInt8(ascii: "/") || before == UInt8(ascii: ":"),
                  matches(d, name, at: k) else { continue }
            let after = k + name.count
            guard after == d.count || isSpace(d[after]) || d[after] == UInt8(ascii: ">") || d[after] == UInt8(ascii: "/") else { continue }
            // Back to the `<` of this tag (past a prefix): `</` makes it an end tag.
            var lt = k - 1
            while lt > 0, d[lt] != UInt8(ascii: "<"), d[lt] != UInt8(ascii: ">"), !isSpace(d[lt]) { lt -= 1 }
            guard d[lt] == UInt8(ascii: "<") else { continue }
            if lt + 1 < d.count, d[lt + 1] == UInt8(ascii: "/") { return false }
            // A start tag: open unless it is an empty-element tag that is complete.
            guard let gt = find(d, ">", from: after) else { return true }
            return d[gt - 1] != UInt8(ascii: "/")
        }
        return false
    }

    /// Whether `</name>` (space allowed before `>`) occurs in the last `tailWindow` bytes after `start`.
    private static func closes(_ d: UnsafeRawBufferPointer, name: [UInt8], after start: Int) -> Bool {
        var k = d.count - name.count - 3
        let stop = max(start, d.count - tailWindow)
        while k >= stop {
            if d[k] == UInt8(ascii: "<"), d[k + 1] == UInt8(ascii: "/"), matches(d, name, at: k + 2) {
                var m = k + 2 + name.count
                while m < d.count, isSpace(d[m]) { m += 1 }
                if m < d.count, d[m] == UInt8(ascii: ">") { return true }
            }
            k -= 1
        }
        return false
    }

    /// The `>` that ends a `<!DOCTYPE ...>` whose `<!` is before `from`, past an internal subset.
    private static func doctypeEnd(_ d: UnsafeRawBufferPointer, from: Int) -> Int? {
        var depth = 0
        var quote: UInt8 = 0
        var k = from
        while k < d.count {
            let c = d[k]
            if quote != 0 { if c == quote { quote = 0 } }
            else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") { quote = c }
            else if c == UInt8(ascii: "[") { depth += 1 }
            else if c == UInt8(ascii: "]") { depth -= 1 }
            else if c == UInt8(ascii: ">"), depth <= 0 { return k }
            k += 1
        }
        return nil
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    private static func matches(_ d: UnsafeRawBufferPointer, _ s: [UInt8], at k: Int) -> Bool {
        guard k >= 0, k + s.count <= d.count else { return false }
        for (m, c) in s.enumerated() where d[k + m] != c { return false }
        return true
    }

    private static func starts(_ d: UnsafeRawBufferPointer, _ s: String, at k: Int) -> Bool { matches(d, Array(s.utf8), at: k) }

    private static func find(_ d: UnsafeRawBufferPointer, _ s: String, from: Int) -> Int? {
        let pattern = Array(s.utf8)
        var k = from
        while k + pattern.count <= d.count {
            if d[k] == pattern[0], matches(d, pattern, at: k) { return k }
            k += 1
        }
        return nil
    }
}
