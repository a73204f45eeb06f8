#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
internal import CLibXML2
import CSCore

/// Repairs an XML feed document before libxml2 sees it, for the faults real feeds have and libxml2 would
/// stop at or silently drop:
/// - invalid UTF-8 (in a UTF-8 document) becomes U+FFFD;
/// - control characters that XML forbids are removed;
/// - a bare `&` (not starting an entity or character reference) becomes `&amp;`;
/// - HTML entities such as `&nbsp;` become character references, unless the document declares entities.
/// CDATA sections are copied unchanged. The document is copied only when something needs repair.
struct XMLRepair {
    var repairedUTF8 = 0
    var removedControls = 0
    var escapedAmpersands = 0
    var replacedEntities = 0
    var closedVoidElements = 0

    /// The encoding libxml2 should be told (HTTP charset when the document has no BOM), or nil to let it
    /// use the BOM or XML declaration.
    static func encodingOverride(_ d: UnsafeRawBufferPointer, contentType: String?) -> String? {
        if hasBOM(d) { return nil }
        guard let charset = Charset.from(contentType: contentType) else { return nil }
        return charset
    }

    static func hasBOM(_ d: UnsafeRawBufferPointer) -> Bool {
        if d.count >= 3, d[0] == 0xEF, d[1] == 0xBB, d[2] == 0xBF { return true }
        if d.count >= 2, (d[0] == 0xFE && d[1] == 0xFF) || (d[0] == 0xFF && d[1] == 0xFE) { return true }
        return false
    }

    /// True when the document is UTF-16 or UTF-32 (BOM or NUL-interleaved `<`): byte-level repair does not apply.
    static func isWide(_ d: UnsafeRawBufferPointer) -> Bool {
        if d.count >= 2, (d[0] == 0xFE && d[1] == 0xFF) || (d[0] == 0xFF && d[1] == 0xFE) { return true }
        if d.count >= 2, d[0] == 0 || d[1] == 0 { return true }
        return false
    }

    /// The encoding named in the XML declaration, lowercased, or nil.
    static func declaredEncoding(_ d: UnsafeRawBufferPointer) -> String? {
        var start = 0
        if d.count >= 3, d[0] == 0xEF, d[1] == 0xBB, d[2] == 0xBF { start = 3 }
        guard d.count >= start + 5, d[start] == UInt8(ascii: "<"), d[start + 1] == UInt8(ascii: "?") else { return nil }
        let end = min(d.count, start + 256)
        var decl: [UInt8] = []
        for i in start..<end {
            decl.append(d[i])
            if d[i] == UInt8(ascii: ">") { break }
        }
        let key = Array("encoding".utf8)
        guard let at = (0..<max(0, decl.count - key.count)).first(where: { Array(decl[$0..<$0 + key.count]) == key })
        else { return nil }
        var value: [UInt8] = []
        var quote: UInt8 = 0
        for c in decl[(at + key.count)...] {
            if quote == 0 {
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") { quote = c }
                continue
            }
            if c == quote { break }
            value.append(c >= 65 && c <= 90 ? c + 32 : c)
        }
        return value.isEmpty ? nil : String(decoding: value, as: UTF8.self)
    }

    /// Whether the document's bytes are UTF-8 (only then are byte sequences checked).
    let utf8: Bool
    /// Set from the first bytes processed: a document that declares its own entities keeps `&name;` as is.
    private var declaresEntities = false
    private var started = false
    private var inCDATA = false
    /// Where the text after the last start tag begins (an offset into the bytes being processed), until
    /// the next `<`; nil when the position is not known to be element content.
    private var contentStart: Int?
    /// Bytes that must follow a position for every construct starting there to be seen whole.
    static let lookahead = 4100

    init(utf8: Bool) { self.utf8 = utf8 }

    /// Runs of escaped text handed to libxml2 as CDATA (not a repair: the text means the same).
    var textsAsCDATA = 0

    var changedAnything: Bool {
        repairedUTF8 + removedControls + escapedAmpersands + replacedEntities + closedVoidElements + textsAsCDATA > 0
    }

    /// The whole document repaired, or nil when nothing needed repair.
    static func repairAll(_ d: UnsafeRawBufferPointer, utf8: Bool) -> (bytes: [UInt8]?, repair: XMLRepair) {
        var r = XMLRepair(utf8: utf8)
        var out: [UInt8] = []
        out.reserveCapacity(d.count + 64)
        _ = r.process(d, final: true, into: &out)
        return (r.changedAnything ? out : nil, r)
    }

    /// Repairs the bytes of `d` into `out` and returns how many were consumed. Unless `final`, the last
    /// `lookahead` bytes are left for the next call, which must present them again followed by more input,
    /// so that no construct is judged on a part of it.
    mutating func process(_ d: UnsafeRawBufferPointer, final: Bool, into out: inout [UInt8]) -> Int {
        let n = d.count
        let limit = final ? n : n - Self.lookahead
        guard limit > 0 else { return 0 }
        if !started {
            started = true
            declaresEntities = Self.contains(d, "<!ENTITY")
        }
        // Offsets into `d`; a run of text across two calls is simply left as it is.
        contentStart = nil
        var copied = 0
        var i = 0
        func flush(upTo k: Int) {
            if k > copied { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[copied..<k])) }
        }
        let amp = UInt8(ascii: "&"), lt = UInt8(ascii: "<")

        while i < limit {
            if inCDATA {
                // CDATA is taken as it is, except for bytes XML cannot carry at all.
                while i < limit {
                    // Eight plain ASCII bytes at a time (no control character, no `]`).
                    while i + 8 <= limit, Self.plainCDATAWord(d.baseAddress!.loadUnaligned(fromByteOffset: i, as: UInt64.self)) { i += 8 }
                    guard i < limit else { break }
                    let c = d[i]
                    if c == UInt8(ascii: "]"), i + 2 < n, d[i + 1] == UInt8(ascii: "]"), d[i + 2] == UInt8(ascii: ">") {
                        inCDATA = false
                        i += 3
                        break
                    }
                    if (c >= 0x20 && c < 0x80) || c == 0x09 || c == 0x0A || c == 0x0D { i += 1; continue }
                    if c < 0x20 { flush(upTo: i); copied = i + 1; removedControls += 1; i += 1; continue }
                    if !utf8 { i += 1; continue }
                    let len = Self.utf8SequenceLength(d, at: i)
                    if len > 0 { i += len; continue }
                    flush(upTo: i); out.append(contentsOf: [0xEF, 0xBF, 0xBD]); copied = i + 1
                    repairedUTF8 += 1
                    i += 1
                }
                continue
            }
            // Eight plain ASCII bytes at a time (no control character, `&` or `<`).
            while i + 8 <= limit, Self.plainWord(d.baseAddress!.loadUnaligned(fromByteOffset: i, as: UInt64.self)) { i += 8 }
            guard i < limit else { break }
            let c = d[i]
            if c >= 0x20 && c < 0x80 && c != amp && c != lt { i += 1; continue }
            if c == lt {
                if i + 9 <= n, d[i + 1] == UInt8(ascii: "!"), d[i + 2] == UInt8(ascii: "["), Self.matches(d, at: i, "<![CDATA[") {
                    inCDATA = true
                    i += 9
                    continue
                }
                // HTML void elements written unclosed inside unescaped markup (`<br>`): close them, or
                // every later item would end up nested inside this one.
                if let end = Self.unclosedVoidElementEnd(d, at: i) {
                    flush(upTo: end); out.append(UInt8(ascii: "/")); copied = end
                    closedVoidElements += 1
                    i = end
                    continue
                }
                contentStart = utf8 ? Self.startTagEnd(d, at: i).map { $0 + 1 } : nil
                i += 1
                continue
            }
            if c == 0x09 || c == 0x0A || c == 0x0D { i += 1; continue }
            if c < 0x20 {
                flush(upTo: i); copied = i + 1; removedControls += 1; i += 1; continue
            }
            if c == amp {
                if let start = contentStart, i >= start {
                    // Looked at once per run of text: a run that cannot be CDATA is not scanned again.
                    contentStart = nil
                    flush(upTo: i)
                    copied = i
                    if let end = Self.appendAsCDATA(d, from: i, into: &out) {
                        copied = end
                        i = end
                        textsAsCDATA += 1
                        continue
                    }
                }
                switch Self.reference(d, at: i) {
                case .valid(let length):
                    i += length
                case .bare:
                    flush(upTo: i); out.append(contentsOf: Array("&amp;".utf8)); copied = i + 1
                    escapedAmpersands += 1
                    i += 1
                case .named(let length):
                    if declaresEntities || Self.isPredefinedEntity(d, at: i + 1, length: length - 2) { i += length; continue }
                    let name = String(decoding: UnsafeRawBufferPointer(rebasing: d[(i + 1)..<(i + length - 1)]), as: UTF8.self)
                    if let desc = htmlEntityLookup(name) {
                        flush(upTo: i); out.append(contentsOf: Array("&#\(desc.pointee.value);".utf8)); copied = i + length
                        replacedEntities += 1
                    } else {
                        // Unknown name: keep it visible as text rather than lose it.
                        flush(upTo: i); out.append(contentsOf: Array("&amp;".utf8)); copied = i + 1
                        escapedAmpersands += 1
                    }
                    i += length
                }
                continue
            }
            // c >= 0x80
            if !utf8 { i += 1; continue }
            let len = Self.utf8SequenceLength(d, at: i)
            if len > 0 { i += len; continue }
            flush(upTo: i); out.append(contentsOf: [0xEF, 0xBF, 0xBD]); copied = i + 1
            repairedUTF8 += 1
            i += 1
        }
        let consumed = min(i, n)
        flush(upTo: consumed)
        return consumed
    }

    /// A reference's length in bytes, `&` and `;` included.
    enum Reference { case valid(Int), bare, named(Int) }

    /// What follows an `&`: a character reference or one of XML's names (valid as is), another
    /// entity name, or nothing that makes a reference (a bare ampersand).
    static func reference(_ d: UnsafeRawBufferPointer, at i: Int) -> Reference {
        // Escaped markup is mostly &lt; &gt; &amp; &quot;: recognized at once.
        if i + 4 <= d.count, d[i + 2] == UInt8(ascii: "t"), d[i + 3] == UInt8(ascii: ";"),
           d[i + 1] == UInt8(ascii: "l") || d[i + 1] == UInt8(ascii: "g") { return .valid(4) }
        if i + 5 <= d.count, d[i + 1] == UInt8(ascii: "a"), d[i + 2] == UInt8(ascii: "m"), d[i + 3] == UInt8(ascii: "p"),
           d[i + 4] == UInt8(ascii: ";") { return .valid(5) }
        var k = i + 1
        if k < d.count, d[k] == UInt8(ascii: "#") {
            k += 1
            var hex = false
            if k < d.count, d[k] == UInt8(ascii: "x") || d[k] == UInt8(ascii: "X") { hex = true; k += 1 }
            let digitsStart = k
            while k < d.count, k - digitsStart < 10 {
                let c = d[k]
                let isDigit = c >= 48 && c <= 57
                let isHex = isDigit || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)
                if hex ? isHex : isDigit { k += 1 } else { break }
            }
            if k > digitsStart, k < d.count, d[k] == UInt8(ascii: ";") { return .valid(k + 1 - i) }
            return .bare
        }
        let nameStart = k
        while k < d.count, k - nameStart < 40 {
            let c = d[k]
            let ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (k > nameStart && (c >= 48 && c <= 57 || c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: "_"))) || c == UInt8(ascii: "_") || c == UInt8(ascii: ":")
            if ok { k += 1 } else { break }
        }
        guard k > nameStart, k < d.count, d[k] == UInt8(ascii: ";") else { return .bare }
        return .named(k + 1 - i)
    }

    /// Escaped markup (`&lt;p&gt;A &amp; B&lt;/p&gt;`, how RSS descriptions and Atom html content carry
    /// HTML) costs libxml2 several times more as entity references than as CDATA, where it reads the same
    /// text. From the `&` at `i`, in element content, up to the next `<`: appends the text as a CDATA
    /// section and returns where it ends, when that means the same: its references are only XML's five,
    /// it has no control characters or invalid UTF-8 (those take the repairs) and no `]]` (which could
    /// end the section), and it ends within view. Else appends nothing and returns nil.
    static func appendAsCDATA(_ d: UnsafeRawBufferPointer, from i: Int, into out: inout [UInt8]) -> Int? {
        guard let end = cdataTextEnd(d, from: i) else { return nil }
        let p = d.baseAddress!.assumingMemoryBound(to: UInt8.self)
        // The decoded text is never longer than the escaped one: decoded into scratch, appended at once.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: end - i + 12) { t in
            let o = t.baseAddress!
            let open: StaticString = "<![CDATA["
            o.update(from: open.utf8Start, count: 9)
            var w = 9
            var k = i
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            while k < end {
                if k + 8 <= end {
                    // Eight bytes without an `&` are copied as they are.
                    let word = UnsafeRawPointer(p).loadUnaligned(fromByteOffset: k, as: UInt64.self)
                    let x = word ^ (ones &* 0x26)
                    if (x &- ones) & ~x & highs == 0 {
                        UnsafeMutableRawPointer(o + w).storeBytes(of: word, as: UInt64.self)
                        k += 8
                        w += 8
                        continue
                    }
                }
                let c = p[k]
                if c != UInt8(ascii: "&") { o[w] = c; w += 1; k += 1; continue }
                switch p[k + 1] {
                case UInt8(ascii: "l"): o[w] = UInt8(ascii: "<"); k += 4
                case UInt8(ascii: "g"): o[w] = UInt8(ascii: ">"); k += 4
                case UInt8(ascii: "q"): o[w] = UInt8(ascii: "\""); k += 6
                default:
                    if p[k + 2] == UInt8(ascii: "m") { o[w] = UInt8(ascii: "&"); k += 5 } else { o[w] = UInt8(ascii: "'"); k += 6 }
                }
                w += 1
            }
            o[w] = 0x5D; o[w + 1] = 0x5D; o[w + 2] = 0x3E   // ]]>
            out.append(contentsOf: UnsafeBufferPointer(start: o, count: w + 3))
        }
        return end
    }

    /// Where the text from `i` ends (its next `<`), when all of it can be CDATA (see appendAsCDATA).
    static func cdataTextEnd(_ d: UnsafeRawBufferPointer, from i: Int) -> Int? {
        let n = d.count
        let p = d.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var k = i
        while k < n {
            // Eight plain bytes at a time: printable ASCII other than `<`, `&` and `]`.
            while k + 8 <= n, plainTextWord(UnsafeRawPointer(p).loadUnaligned(fromByteOffset: k, as: UInt64.self)) { k += 8 }
            guard k < n else { return nil }
            let c = p[k]
            switch c {
            case UInt8(ascii: "<"):
                return k
            case UInt8(ascii: "&"):
                guard let length = predefinedReferenceLength(d, at: k) else { return nil }
                k += length
            case UInt8(ascii: "]"):
                if k + 1 < n, p[k + 1] == UInt8(ascii: "]") { return nil }
                k += 1
            case 0x09, 0x0A, 0x0D:
                k += 1
            default:
                if c < 0x20 { return nil }
                if c < 0x80 { k += 1; continue }
                let length = utf8SequenceLength(d, at: k)
                if length == 0 { return nil }
                k += length
            }
        }
        return nil   // the text goes on past what is in view
    }

    /// True when all eight bytes are printable ASCII other than `<`, `&` and `]` (SWAR tests).
    @inline(__always)
    static func plainTextWord(_ w: UInt64) -> Bool {
        isPrintableASCII(w) && hasByte(w, 0x3C) | hasByte(w, 0x26) | hasByte(w, 0x5D) == 0   // < & ]
    }

    /// The length of `&lt;`, `&gt;`, `&amp;`, `&quot;` or `&apos;` at `i`, else nil.
    static func predefinedReferenceLength(_ d: UnsafeRawBufferPointer, at i: Int) -> Int? {
        if i + 4 <= d.count, d[i + 2] == UInt8(ascii: "t"), d[i + 3] == UInt8(ascii: ";"),
           d[i + 1] == UInt8(ascii: "l") || d[i + 1] == UInt8(ascii: "g") { return 4 }
        var k = i + 1
        while k < d.count, k - i <= 5, d[k] != UInt8(ascii: ";") { k += 1 }
        guard k < d.count, d[k] == UInt8(ascii: ";"), isPredefinedEntity(d, at: i + 1, length: k - i - 1) else { return nil }
        return k + 1 - i
    }

    /// For a start tag at `i` (`<name ...>`, not `/>`), the index of its closing `>`; quoted attribute
    /// values may contain `>`. nil for anything else, or when the tag does not end within view.
    static func startTagEnd(_ d: UnsafeRawBufferPointer, at i: Int) -> Int? {
        guard i + 1 < d.count, isNameByte(d[i + 1]) else { return nil }
        var k = i + 2
        var quote: UInt8 = 0
        while k < d.count, k - i < 4096 {
            let c = d[k]
            if quote != 0 { if c == quote { quote = 0 } }
            else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") { quote = c }
            else if c == UInt8(ascii: "<") { return nil }
            else if c == UInt8(ascii: ">") { return d[k - 1] == UInt8(ascii: "/") ? nil : k }
            k += 1
        }
        return nil
    }

    /// `amp`, `lt`, `gt`, `quot` or `apos` at `i` (`length` bytes): the entities XML itself defines.
    static func isPredefinedEntity(_ d: UnsafeRawBufferPointer, at i: Int, length: Int) -> Bool {
        guard length >= 2 && length <= 4 else { return false }
        var key: UInt32 = 0
        for k in 0..<length { key = key << 8 | UInt32(d[i + k]) }
        switch key {
        case 0x616D70, 0x6C74, 0x6774, 0x71756F74, 0x61706F73: return true   // amp lt gt quot apos
        default: return false
        }
    }

    /// Length of a valid UTF-8 sequence starting at `i`, or 0 when it is invalid (overlong, surrogate,
    /// out of range, truncated).
    static func utf8SequenceLength(_ d: UnsafeRawBufferPointer, at i: Int) -> Int {
        let c = d[i]
        let n = d.count
        func cont(_ k: Int) -> Bool { k < n && d[k] & 0xC0 == 0x80 }
        switch c {
        case 0xC2...0xDF: return cont(i + 1) ? 2 : 0
        case 0xE0: return i + 1 < n && d[i + 1] >= 0xA0 && d[i + 1] <= 0xBF && cont(i + 2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return cont(i + 1) && cont(i + 2) ? 3 : 0
        case 0xED: return i + 1 < n && d[i + 1] >= 0x80 && d[i + 1] <= 0x9F && cont(i + 2) ? 3 : 0
        case 0xF0: return i + 1 < n && d[i + 1] >= 0x90 && d[i + 1] <= 0xBF && cont(i + 2) && cont(i + 3) ? 4 : 0
        case 0xF1...0xF3: return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0
        case 0xF4: return i + 1 < n && d[i + 1] >= 0x80 && d[i + 1] <= 0x8F && cont(i + 2) && cont(i + 3) ? 4 : 0
        default: return 0
        }
    }

    /// True when none of the eight bytes is a control character, non-ASCII, `&` or `<` (SWAR tests).
    @inline(__always)
    static func plainWord(_ w: UInt64) -> Bool {
        isPrintableASCII(w) && hasByte(w, 0x26) | hasByte(w, 0x3C) == 0   // & <
    }

    /// True when none of the eight bytes is a control character, non-ASCII or `]` (SWAR tests).
    @inline(__always)
    static func plainCDATAWord(_ w: UInt64) -> Bool {
        isPrintableASCII(w) && hasByte(w, 0x5D) == 0   // ]
    }

    /// No byte of `w` is a control character or non-ASCII.
    @inline(__always)
    static func isPrintableASCII(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        return w & highs == 0 && (w &- ones &* 0x20) & ~w & highs == 0
    }

    /// Non-zero when a byte of `w` (all ASCII) equals `byte`.
    @inline(__always)
    static func hasByte(_ w: UInt64, _ byte: UInt8) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let x = w ^ (ones &* UInt64(byte))
        return (x &- ones) & ~x & highs
    }

    /// For `<br>`, `<hr class="x">`, `<img src=...>` and the other HTML void elements (except those RSS
    /// itself uses, such as `source`), the index of the closing `>` when it is not already `/>`.
    static func unclosedVoidElementEnd(_ d: UnsafeRawBufferPointer, at i: Int) -> Int? {
        var k = i + 1
        // The lowercased name, up to six letters, packed into an integer (no allocation per `<`).
        var name: UInt64 = 0
        while k < d.count, k - i <= 6, isNameByte(d[k]) { name = name << 8 | UInt64(d[k] | 0x20); k += 1 }
        guard k - i <= 6, k < d.count,
              d[k] == UInt8(ascii: ">") || d[k] == UInt8(ascii: " ") || d[k] == UInt8(ascii: "/") || d[k] == 0x09 || d[k] == 0x0A
        else { return nil }
        switch name {
        case 0x6272, 0x6872, 0x696D67, 0x776272, 0x696E707574, 0x61726561, 0x636F6C, 0x656D626564, 0x706172616D:
            return startTagEnd(d, at: i)   // br hr img wbr input area col embed param
        default: return nil
        }
    }

    private static func isNameByte(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }

    static func matches(_ d: UnsafeRawBufferPointer, at i: Int, _ s: StaticString) -> Bool {
        let count = s.utf8CodeUnitCount
        guard i + count <= d.count else { return false }
        let p = s.utf8Start
        for k in 0..<count where d[i + k] != p[k] { return false }
        return true
    }

    static func contains(_ d: UnsafeRawBufferPointer, _ s: StaticString) -> Bool {
        let count = s.utf8CodeUnitCount
        guard let base = d.baseAddress, d.count >= count else { return false }
        let first = Int32(s.utf8Start[0])
        var i = 0
        while i + count <= d.count {
            guard let hit = memchr(base + i, first, d.count - count + 1 - i) else { return false }
            i = base.distance(to: UnsafeRawPointer(hit))
            if matches(d, at: i, s) { return true }
            i += 1
        }
        return false
    }
}
