/// Titles of Sigma rules the text names: a quoted title in the sentence that says "Sigma rule"
/// (`Deploy the Sigma rule “Entra ID Excessive Account Lockouts Detected” to your SIEM`, `the "X" Sigma rule`).
/// When the plain text quotes nothing, the HTML is read for a `<code>` title in that sentence, because
/// feeds often mark rule names up as code, which plain text loses.
enum SigmaTitles {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    static func containsMention(_ b: Bytes) -> Bool { !mentions(b).isEmpty }

    /// Byte offsets just past each "Sigma rule" / "Sigma rules", with whether it was plural.
    static func mentions(_ b: Bytes) -> [(start: Int, end: Int, plural: Bool)] {
        var out: [(Int, Int, Bool)] = []
        let needle = Array("gma rule".utf8)
        var i = 2
        while i + needle.count <= b.count {
            guard let k = ByteSearch.find(needle, in: b, from: i, limit: b.count) else { break }
            i = k + needle.count
            guard k >= 2, b[k - 1] | 0x20 == UInt8(ascii: "i"), b[k - 2] | 0x20 == UInt8(ascii: "s"),
                  k < 3 || !Tokenizer.isWordByte(b[k - 3]) else { continue }
            var end = k + needle.count
            let plural = end < b.count && b[end] | 0x20 == UInt8(ascii: "s")
            if plural { end += 1 }
            if end < b.count, Tokenizer.isWordByte(b[end]) { continue }
            out.append((k - 2, end, plural))
        }
        return out
    }

    /// Quoted titles in plain text.
    static func fromText(_ b: Bytes, into out: inout OrderedSet) {
        for m in mentions(b) {
            if let before = quotedBefore(b, m.start) { out.insert(before); continue }
            var i = m.end
            let limit = min(b.count, m.end + 400)
            while i < limit {
                let c = b[i]
                if c == 0x0A || (c == UInt8(ascii: ".") && (i + 1 >= b.count || b[i + 1] == 0x20 || b[i + 1] == 0x0A)) { break }
                if let (close, closeLength) = closing(b, i) {
                    let open = i + openLength(b, i)
                    guard let end = find(close, in: b, from: open, limit: limit) else { break }
                    if let title = validTitle(Array(b[open..<end])) {
                        out.insert(title)
                        if !m.plural { break }
                    }
                    i = end + closeLength
                    continue
                }
                i += 1
            }
        }
    }

    /// `<code>` titles in HTML (the content_html string, already JSON-decoded).
    static func fromHTML(_ b: Bytes, into out: inout OrderedSet) {
        let open = Array("<code>".utf8), close = Array("</code>".utf8)
        let stops = [Array("</li>".utf8), Array("</p>".utf8), Array("<br".utf8)]
        for m in mentions(b) {
            var i = m.end
            let limit = min(b.count, m.end + 600)
            var stop = limit
            for s in stops { if let k = find(s, in: b, from: i, limit: limit), k < stop { stop = k } }
            while i < stop, let k = find(open, in: b, from: i, limit: stop) {
                let start = k + open.count
                guard let end = find(close, in: b, from: start, limit: stop) else { break }
                if let title = validTitle(decodeEntities(Array(b[start..<end]))) {
                    out.insert(title)
                    if !m.plural { break }
                }
                i = end + close.count
            }
        }
    }

    /// `the “X” Sigma rule`: a quote that closes right before the mention.
    private static func quotedBefore(_ b: Bytes, _ mention: Int) -> String? {
        var k = mention
        while k > 0, b[k - 1] == 0x20 { k -= 1 }
        let pairs: [([UInt8], [UInt8])] = [([0x22], [0x22]), ([0xE2, 0x80, 0x9C], [0xE2, 0x80, 0x9D]), ([0x60], [0x60])]
        for (open, close) in pairs {
            guard k >= close.count, Array(b[(k - close.count)..<k]) == close else { continue }
            let end = k - close.count
            var s = end - 1
            let floor = max(0, end - 200)
            while s >= floor {
                if s + open.count <= end, Array(b[s..<(s + open.count)]) == open {
                    return validTitle(Array(b[(s + open.count)..<end]))
                }
                s -= 1
            }
        }
        return nil
    }

    /// The closing quote for an opening quote at `i`: `"`…`"`, `“`…`”`, `‘`…`’`, `` ` ``…`` ` ``.
    private static func closing(_ b: Bytes, _ i: Int) -> ([UInt8], Int)? {
        let c = b[i]
        if c == 0x22 { return ([0x22], 1) }
        if c == 0x60 { return ([0x60], 1) }
        if c == 0xE2, i + 2 < b.count, b[i + 1] == 0x80 {
            if b[i + 2] == 0x9C { return ([0xE2, 0x80, 0x9D], 3) }
            if b[i + 2] == 0x98 { return ([0xE2, 0x80, 0x99], 3) }
        }
        return nil
    }

    private static func openLength(_ b: Bytes, _ i: Int) -> Int { b[i] == 0xE2 ? 3 : 1 }

    private static func find(_ needle: [UInt8], in b: Bytes, from: Int, limit: Int) -> Int? {
        ByteSearch.find(needle, in: b, from: from, limit: limit)
    }

    /// A rule title reads like one: 2–20 words, starts with a capital letter or digit, no code punctuation.
    static func validTitle(_ bytes: [UInt8]) -> String? {
        var s = bytes
        while let f = s.first, f == 0x20 { s.removeFirst() }
        while let l = s.last, l == 0x20 { s.removeLast() }
        guard s.count >= 5, s.count <= 160, let first = s.first else { return nil }
        guard (first >= 65 && first <= 90) || (first >= 48 && first <= 57) else { return nil }
        for c in s where c == UInt8(ascii: "=") || c == UInt8(ascii: "{") || c == UInt8(ascii: "}") || c == UInt8(ascii: "\\")
            || c == UInt8(ascii: "\"") || c == UInt8(ascii: "<") || c == 0x0A {
            return nil
        }
        let words = s.split(separator: 0x20).count
        guard words >= 2, words <= 20 else { return nil }
        return String(decoding: s, as: UTF8.self)
    }

    static func decodeEntities(_ b: [UInt8]) -> [UInt8] {
        guard b.contains(UInt8(ascii: "&")) else { return b }
        var s = String(decoding: b, as: UTF8.self)
        for (entity, value) in [("&quot;", "\""), ("&#39;", "'"), ("&#x27;", "'"), ("&lt;", "<"), ("&gt;", ">"),
                                ("&rsquo;", "’"), ("&lsquo;", "‘"), ("&nbsp;", " "), ("&amp;", "&")] {
            s = s.split(separator: entity, omittingEmptySubsequences: false).joined(separator: value)
        }
        return Array(s.utf8)
    }
}
