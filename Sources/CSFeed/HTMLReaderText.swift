#if canImport(Glibc)
import Glibc
#endif

/// Character data, references, raw text and the markup libxml2 drops (comments, processing
/// instructions, DOCTYPE), read as libxml2's HTML parser reads them (see HTMLParser).
extension HTMLReader {
    // MARK: text

    /// Character data up to the next `<` or `&` (htmlParseCharDataInternal).
    mutating func charData() {
        let start = pos
        var invalid = false
        var p = pos
        let raw = UnsafeRawPointer(input)
        scan: while true {
            // Eight bytes at a time while none is '<', '&', a control byte or 0xEF (U+FFFE/U+FFFF lead).
            while true {
                let w = raw.loadUnaligned(fromByteOffset: p, as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                let low = (w &- ones &* 0x20) & ~w & highs
                let lt = w ^ (ones &* 0x3C), amp = w ^ (ones &* 0x26), ef = w ^ (ones &* 0xEF)
                let hits = low | ((lt &- ones) & ~lt & highs) | ((amp &- ones) & ~amp & highs) | ((ef &- ones) & ~ef & highs)
                if hits != 0 { break }
                p += 8
            }
            while true {
                let c = input[p]
                if c == 0x3C || c == 0x26 || c == 0 { break scan }
                if c < 0x20 {
                    if c != 0x09 && c != 0x0A && c != 0x0D { invalid = true }
                } else if c == 0xEF && input[p + 1] == 0xBF && (input[p + 2] == 0xBE || input[p + 2] == 0xBF) {
                    invalid = true
                    p += 2
                } else if c != 0xEF {
                    p += 1
                    continue scan
                }
                p += 1
            }
        }
        pos = p
        if !invalid {
            if let top = stack.last, top.name != .html && top.name != .head {
                emit(input + start, p - start)
            } else {
                textAtTop(start, p)
            }
            return
        }
        // Rare: drop the characters libxml2 drops, then treat what is left the same way.
        var kept: [UInt8] = []
        kept.reserveCapacity(p - start)
        var k = start
        while k < p {
            let c = input[k]
            if c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D { k += 1; continue }
            if c == 0xEF && input[k + 1] == 0xBF && (input[k + 2] == 0xBE || input[k + 2] == 0xBF) { k += 3; continue }
            kept.append(c)
            k += 1
        }
        if kept.isEmpty { return }
        var atTop = true
        if let top = stack.last, top.name != .html && top.name != .head { atTop = false }
        kept.withUnsafeBufferPointer { buf in
            if atTop && !isBlankRun(buf.baseAddress!, buf.count) {
                checkParagraph()
            }
            emit(buf.baseAddress!, buf.count)
        }
    }

    /// Text with no element, html or head open: a paragraph is implied unless libxml2 finds the text blank.
    mutating func textAtTop(_ start: Int, _ stop: Int) {
        if !isBlankRun(input + start, stop - start) { checkParagraph() }
        emit(input + start, stop - start)
    }

    /// areBlanks without a tree: only blanks, and then the end of input or a '<'. A run of 1000 bytes or
    /// more is not blank (libxml2 tests its first 1000-byte chunk while still inside the run).
    func isBlankRun(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        if count >= 1000 { return false }
        for k in 0..<count where !HTMLBytes.isBlank(p[k]) { return false }
        return input[pos] == 0 || input[pos] == 0x3C
    }

    @inline(__always)
    mutating func emit(_ p: UnsafePointer<UInt8>, _ count: Int) {
        collector.characters(p, count: count)
    }

    /// `&...` in text (htmlParseReference).
    mutating func reference() {
        if input[pos + 1] == 0x23 {
            let c = charRef()
            if c == 0 { return }
            checkParagraph()
            emitScalar(c)
            return
        }
        let amp = pos
        pos += 1
        let nameEnd = entityNameEnd(pos)
        if nameEnd == pos || input[nameEnd] == 0 {
            // No name, or one running to the end of the input (libxml2 then sees none): a bare '&'.
            checkParagraph()
            emit(input + amp, 1)
            return
        }
        if input[nameEnd] == 0x3B, let v = entity(pos, nameEnd) {
            pos = nameEnd + 1
            checkParagraph()
            emitScalar(v)
            return
        }
        pos = nameEnd
        checkParagraph()
        emit(input + amp, nameEnd - amp)   // "&name", the ';' (if any) stays text
    }

    /// The end of an entity name at `i` (htmlParseName's ASCII form): a letter, '_' or ':', then letters,
    /// digits, '_', '-', ':', '.'. Returns `i` when there is none. (A non-ASCII letter continues a name in
    /// libxml2; no entity has one, so the text comes out the same either way.)
    func entityNameEnd(_ i: Int) -> Int {
        let first = input[i]
        guard HTMLBytes.isLetter(first) || first == 0x5F || first == 0x3A else { return i }
        var j = i + 1
        while true {
            let c = input[j]
            if HTMLBytes.isLetter(c) || HTMLBytes.isDigit(c) || c == 0x5F || c == 0x2D || c == 0x3A || c == 0x2E { j += 1 } else { break }
        }
        return j
    }

    /// The code point of the named entity in `input[start..<stop]`, if libxml2 knows it.
    func entity(_ start: Int, _ stop: Int) -> UInt32? {
        let length = stop - start
        if length > 8 { return nil }
        var key: UInt64 = 0
        for k in 0..<length { key |= UInt64(input[start + k]) << (8 * UInt64(k)) }
        let v = entities.lookup(key)
        return v == 0 ? nil : v
    }

    /// `&#...;` or `&#x...;` (htmlParseCharRef): the value, or 0 when it is not an XML character.
    mutating func charRef() -> UInt32 {
        var value: UInt32 = 0
        if input[pos + 2] == 0x78 || input[pos + 2] == 0x58 {
            pos += 3
            while input[pos] != 0x3B {
                let c = input[pos]
                let digit: UInt32
                if HTMLBytes.isDigit(c) { digit = UInt32(c - 0x30) }
                else if c >= 0x61 && c <= 0x66 { digit = UInt32(c - 0x61 + 10) }
                else if c >= 0x41 && c <= 0x46 { digit = UInt32(c - 0x41 + 10) }
                else { break }
                if value < 0x110000 { value = value * 16 + digit }
                pos += 1
            }
        } else {
            pos += 2
            while input[pos] != 0x3B {
                let c = input[pos]
                guard HTMLBytes.isDigit(c) else { break }
                if value < 0x110000 { value = value * 10 + UInt32(c - 0x30) }
                pos += 1
            }
        }
        if input[pos] == 0x3B { pos += 1 }
        return Self.isXMLChar(value) ? value : 0
    }

    static func isXMLChar(_ v: UInt32) -> Bool {
        v == 0x09 || v == 0x0A || v == 0x0D || (v >= 0x20 && v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD)
            || (v >= 0x10000 && v <= 0x10FFFF)
    }

    mutating func emitScalar(_ c: UInt32) {
        var buf: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let n = Self.encodeUTF8(c, into: &buf)
        withUnsafePointer(to: &buf) { ptr in
            ptr.withMemoryRebound(to: UInt8.self, capacity: 4) { emit($0, n) }
        }
    }

    static func encodeUTF8(_ c: UInt32, into b: inout (UInt8, UInt8, UInt8, UInt8)) -> Int {
        if c < 0x80 { b.0 = UInt8(c); return 1 }
        if c < 0x800 { b.0 = UInt8(0xC0 | (c >> 6)); b.1 = UInt8(0x80 | (c & 0x3F)); return 2 }
        if c < 0x10000 {
            b.0 = UInt8(0xE0 | (c >> 12)); b.1 = UInt8(0x80 | ((c >> 6) & 0x3F)); b.2 = UInt8(0x80 | (c & 0x3F))
            return 3
        }
        b.0 = UInt8(0xF0 | (c >> 18)); b.1 = UInt8(0x80 | ((c >> 12) & 0x3F))
        b.2 = UInt8(0x80 | ((c >> 6) & 0x3F)); b.3 = UInt8(0x80 | (c & 0x3F))
        return 4
    }

    static func appendUTF8(_ c: UInt32, to out: inout [UInt8]) {
        var b: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let n = encodeUTF8(c, into: &b)
        out.append(b.0)
        if n > 1 { out.append(b.1) }
        if n > 2 { out.append(b.2) }
        if n > 3 { out.append(b.3) }
    }

    // MARK: markup that is dropped

    /// Content of script or style up to `</` followed by the open element's name (htmlParseScript in
    /// recovery mode); the text walker drops it, so it is not sent.
    mutating func rawText() {
        guard let top = stack.last else { return }
        let name = top.name == .unknown ? nil : "\(top.name)"
        while input[pos] != 0 {
            if input[pos] == 0x3C && input[pos + 1] == 0x2F && matchesName(top, name, at: pos + 2) { return }
            pos += 1
        }
    }

    func matchesName(_ e: Element, _ known: String?, at i: Int) -> Bool {
        if let known {
            for (k, c) in known.utf8.enumerated() where HTMLBytes.lower(input[i + k]) != c { return false }
            return true
        }
        for k in 0..<Int(e.length) where HTMLBytes.lower(input[i + k]) != HTMLBytes.lower(input[Int(e.start) + k]) {
            return false
        }
        return true
    }

    /// `<!-- ... -->` (or `--!>`); an unterminated comment runs to the end (htmlParseComment).
    mutating func comment() {
        guard input[pos] == 0x3C && input[pos + 1] == 0x21 && input[pos + 2] == 0x2D && input[pos + 3] == 0x2D else { return }
        pos += 4
        if input[pos] == 0 || input[pos + 1] == 0 { pos = end; return }
        var j = pos + 2
        while input[j] != 0 {
            if input[j - 1] == 0x2D && input[j - 2] == 0x2D {
                if input[j] == 0x3E { pos = j + 1; return }
                if input[j] == 0x21 && input[j + 1] == 0x3E { pos = j + 2; return }
            }
            j += 1
        }
        pos = end
    }

    /// `<?target ...>` (htmlParsePI); without a target only `<?` is consumed and the rest is text.
    mutating func processingInstruction() {
        guard input[pos] == 0x3C && input[pos + 1] == 0x3F else { return }
        pos += 2
        guard hasName(at: pos) else { return }
        while input[pos] != 0 && input[pos] != 0x3E { pos += 1 }
        if input[pos] == 0x3E { pos += 1 }
    }

    /// Whether htmlParseName finds a name at `i` (an ASCII one running to the end of input does not count).
    func hasName(at i: Int) -> Bool {
        let first = input[i]
        if HTMLBytes.isLetter(first) || first == 0x5F || first == 0x3A {
            let j = entityNameEnd(i)
            return !(input[j] == 0 && j == end)
        }
        if first >= 0x80 {
            // A non-ASCII start: libxml2 asks whether it is a letter (XML 1.0 BaseChar or Ideographic);
            // Unicode's Alphabetic property is close to that.
            var k = i + 1
            while k < i + 4 && input[k] & 0xC0 == 0x80 { k += 1 }
            let s = String(decoding: UnsafeBufferPointer(start: input + i, count: k - i), as: UTF8.self)
            return s.unicodeScalars.first.map { $0.properties.isAlphabetic } ?? false
        }
        return false
    }

    func atDoctype() -> Bool {
        guard input[pos] == 0x3C && input[pos + 1] == 0x21 else { return false }
        let word: [UInt8] = [0x44, 0x4F, 0x43, 0x54, 0x59, 0x50, 0x45]   // DOCTYPE
        for k in 0..<7 where Self.upper(input[pos + 2 + k]) != word[k] { return false }
        return true
    }

    @inline(__always) static func upper(_ c: UInt8) -> UInt8 { c &- 0x61 < 26 ? c - 0x20 : c }

    /// `<!DOCTYPE name PUBLIC "..." "...">` (htmlParseDocTypeDecl): quoted literals may hold '>'.
    mutating func doctype() {
        pos += 9
        skipBlanks()
        if hasName(at: pos) && input[pos] < 0x80 { pos = entityNameEnd(pos) }
        skipBlanks()
        if keyword("SYSTEM") {
            pos += 6
            skipBlanks()
            literal()
        } else if keyword("PUBLIC") {
            pos += 6
            skipBlanks()
            literal()
            skipBlanks()
            if input[pos] == 0x22 || input[pos] == 0x27 { literal() }
        }
        skipBlanks()
        while input[pos] != 0 && input[pos] != 0x3E { pos += 1 }
        if input[pos] == 0x3E { pos += 1 }
    }

    func keyword(_ word: StaticString) -> Bool {
        let p = word.utf8Start
        for k in 0..<word.utf8CodeUnitCount where Self.upper(input[pos + k]) != p[k] { return false }
        return true
    }

    mutating func literal() {
        let quote = input[pos]
        guard quote == 0x22 || quote == 0x27 else { return }
        pos += 1
        while input[pos] != 0 && input[pos] != quote { pos += 1 }
        if input[pos] == quote { pos += 1 }
    }
}
