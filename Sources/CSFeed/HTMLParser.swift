#if canImport(Glibc)
import Glibc
#endif

/// An item's HTML read the way libxml2 2.9.14's HTML parser (RECOVER, NOIMPLIED off) reads it, for the
/// events the text walker needs: start tags (lowercase name, a heading's `id`), end tags (implied ones
/// included) and character data with references decoded. It works on the UTF-8 bytes, allocates nothing
/// per tag, and builds no tree: only the stack of open elements, which decides the implied ends.
///
/// What is imitated, because it changes the text or the sections (the libxml2 function in brackets):
/// - implied `<html>`, `<head>`, `<body>` and `<p>` around text at the top (htmlCheckImplied,
///   htmlCheckParagraph), and whitespace there that libxml2 calls blank (areBlanks, with no tree);
/// - start tags closing open elements (htmlAutoClose, table in HTMLAutoClose), end tags closing what was
///   opened inside them unless a higher-priority element is in the way (htmlAutoCloseOnClose), end tags
///   with nothing open of their name ignored, empty elements, `/>`;
/// - misplaced `<html>`, `<head>`, `<body>` dropped, and their end tags once each;
/// - `script` and `style` read as raw text up to `</name`; comments (`-->`, `--!>`), `<?...>`,
///   `<!DOCTYPE>` dropped; any other `<` that starts no tag is text (so `<![CDATA[x]]>` stays text);
/// - references: the named ones libxml2 knows (HTMLEntities), `&#...;` and `&#x...;` (a value that is
///   not an XML character is dropped, as libxml2 does), anything else stays text;
/// - characters that are not XML characters (C0 controls but tab, LF, CR; U+FFFE, U+FFFF) dropped.
/// One difference on purpose: input is read up to its first NUL byte (libxml2 stops there in most
/// places too); feed text cannot contain NUL (XML forbids it, jansson refuses `\u0000`).
///
/// Callers keep one per thread: the input copy and the element stack are reused.
final class HTMLParser {
    private var input: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var stack: [HTMLReader.Element] = []
    private let tables = HTMLReader.Tables()

    init() {
        capacity = 4096
        input = .allocate(capacity: capacity + HTMLReader.padding)
        stack.reserveCapacity(64)
    }

    deinit { input.deallocate() }

    /// The collector of the last parse, reused (its builders keep their storage).
    private var collector = HTMLTextCollector()

    /// The text and sections of an HTML fragment (HTMLText.extract).
    func extract(_ html: String) -> (text: String, sections: Sections) {
        var html = html
        let end = html.withUTF8 { load($0) }
        stack.removeAll(keepingCapacity: true)
        collector.reset()
        var reader = HTMLReader(input: input, end: end, stack: stack, collector: collector, tables: tables)
        stack = []
        collector = HTMLTextCollector(capacity: 0)
        reader.document()
        reader.collector.endSection()
        let result = (reader.collector.text.text, reader.collector.sections)
        stack = reader.stack
        collector = reader.collector
        return result
    }

    /// Copies the bytes into the reusable buffer, zero-padded; returns where the text ends (its first NUL).
    private func load(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        if bytes.count > capacity {
            input.deallocate()
            capacity = max(bytes.count, capacity * 2)
            input = .allocate(capacity: capacity + HTMLReader.padding)
        }
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            input.initialize(repeating: 0, count: HTMLReader.padding)
            return 0
        }
        input.update(from: base, count: bytes.count)
        (input + bytes.count).initialize(repeating: 0, count: HTMLReader.padding)
        if let nul = memchr(input, 0, bytes.count) { return input.distance(to: nul.assumingMemoryBound(to: UInt8.self)) }
        return bytes.count
    }
}

/// One parse: the cursor, the open elements and the collector the events go to. A struct, so the hot
/// path has no exclusivity checks or reference counting.
struct HTMLReader {
    /// The open elements; `start`/`length` locate an unknown name's bytes in the input.
    struct Element {
        var name: HTMLElementName
        var start: Int32 = 0
        var length: Int32 = 0
    }

    static let padding = 16
    private let input: UnsafeMutablePointer<UInt8>
    /// Index of the terminating 0 byte; `input` has zero padding after it for look-ahead.
    private let end: Int
    private var pos = 0
    fileprivate(set) var stack: [Element]
    /// libxml2's ctxt->html: 3 once a head was seen, 10 once a body was.
    private var seen = 1
    /// Misplaced html/head/body start tags whose end tags are still to be ignored (ctxt->depth).
    private var discarded = 0
    fileprivate var collector: HTMLTextCollector
    private let names: HTMLElementNameTable
    private let autoClose: HTMLAutoClose
    private let entities: HTMLEntities

    /// The shared tables, fetched once per HTMLParser rather than once per item.
    struct Tables {
        let names = HTMLElementNameTable.shared
        let autoClose = HTMLAutoClose.shared
        let entities = HTMLEntities.shared
    }

    fileprivate init(input: UnsafeMutablePointer<UInt8>, end: Int, stack: [Element], collector: HTMLTextCollector, tables: Tables) {
        self.input = input
        self.collector = collector
        self.end = end
        self.stack = stack
        names = tables.names
        autoClose = tables.autoClose
        entities = tables.entities
    }

    // MARK: document and content (htmlParseDocument, htmlParseContentInternal)

    fileprivate mutating func document() {
        skipBlanks()
        prologMisc()
        if atDoctype() { doctype() }
        skipBlanks()
        prologMisc()
        content()
        closeAll()
    }

    /// Comments and processing instructions before the content.
    private mutating func prologMisc() {
        while input[pos] == 0x3C && ((input[pos + 1] == 0x21 && input[pos + 2] == 0x2D && input[pos + 3] == 0x2D) || input[pos + 1] == 0x3F) {
            comment()
            processingInstruction()
            skipBlanks()
        }
    }

    private mutating func content() {
        var current: Element? = stack.last
        var depth = stack.count
        while true {
            let c = input[pos], next = input[pos + 1]
            if c == 0x3C && next == 0x2F {                                   // "</"
                if endTag() && (current != nil || stack.isEmpty) {
                    current = stack.last
                    depth = stack.count
                }
                continue
            }
            if c == 0x3C && (HTMLBytes.isLetter(next) || next == 0x5F || next == 0x3A), let top = stack.last {
                // A start tag that closes the open element: close first, then look again.
                let (name, _) = scanName(pos + 1, dot: false)
                if autoClose.closes(name.name, top.name) {
                    closeFor(name.name)
                    continue
                }
            }
            if let top = stack.last, depth >= stack.count, !isSame(current, top) {
                current = top
                depth = stack.count
                continue
            }
            if c != 0, let node = current, node.name.isRawText {
                rawText()
                continue
            }
            if atDoctype() { doctype() }
            let d = input[pos], dn = input[pos + 1]
            if d == 0x3C && dn == 0x21 && input[pos + 2] == 0x2D && input[pos + 3] == 0x2D {
                comment()
            } else if d == 0x3C && dn == 0x3F {
                processingInstruction()
            } else if d == 0x3C && HTMLBytes.isLetter(dn) {
                element()
                current = stack.last
                depth = stack.count
            } else if d == 0x3C {
                emit(input + pos, 1)
                pos += 1
            } else if d == 0x26 {
                reference()
            } else if d == 0 {
                closeAll()
                return
            } else {
                charData()
            }
        }
    }

    // MARK: elements

    /// A start tag and what follows it directly (htmlParseElementInternal).
    private mutating func element() {
        // After a misplaced html/head/body (not pushed), what follows applies to the open element, as
        // in libxml2: `<body/>` there closes it.
        startTag()
        guard let top = stack.last else {
            if input[pos] == 0x3E { pos += 1 }
            return
        }
        if input[pos] == 0x2F && input[pos + 1] == 0x3E {                    // "/>"
            pos += 2
            endTop()
            return
        }
        if input[pos] == 0x3E {
            pos += 1
        } else {
            // No '>' before the end: libxml2 pops the element without an end event.
            stack.removeLast()
            return
        }
        if top.name.isEmpty { endTop() }
    }

    /// `<name attributes>` up to (not including) its `>` or `/>`; pushes the element unless it is a
    /// misplaced html, head or body.
    private mutating func startTag() {
        pos += 1
        let (name, after) = scanName(pos, dot: true)
        pos = after
        closeFor(name.name)
        implied(name.name)
        var discard = false
        if name.name == .html && !stack.isEmpty { discard = true; discarded += 1 }
        if name.name == .head && stack.count != 1 { discard = true; discarded += 1 }
        if name.name == .body {
            for e in stack where e.name == .body { discard = true; discarded += 1 }
        }
        skipBlanks()
        // The first `id` attribute (a later one is a duplicate libxml2 drops), for headings.
        var idSeen = false
        var idStart = -1, idEnd = -1
        while true {
            let c = input[pos]
            if c == 0 || c == 0x3E || (c == 0x2F && input[pos + 1] == 0x3E) { break }
            let (attribute, afterName) = scanName(pos, dot: true)
            if attribute.length > 0 {
                let isID = attribute.length == 2 && HTMLBytes.lower(input[pos]) == 0x69 && HTMLBytes.lower(input[pos + 1]) == 0x64
                pos = afterName
                skipBlanks()
                var valueStart = -1, valueEnd = -1
                if input[pos] == 0x3D {
                    pos += 1
                    skipBlanks()
                    (valueStart, valueEnd) = attributeValue()
                }
                if isID && !idSeen {
                    idSeen = true
                    idStart = valueStart
                    idEnd = valueEnd
                }
            } else {
                // Not a name: skipped up to a blank or the end of the tag.
                while true {
                    let d = input[pos]
                    if d == 0 || HTMLBytes.isBlank(d) || d == 0x3E || (d == 0x2F && input[pos + 1] == 0x3E) { break }
                    pos += 1
                }
            }
            skipBlanks()
        }
        if !discard {
            var id: String?
            if name.name.rawValue >= HTMLElementName.h1.rawValue && name.name.rawValue <= HTMLElementName.h6.rawValue, idStart >= 0 {
                id = decodeAttribute(idStart, idEnd)
            }
            push(name, id: id)
        }
    }

    /// A quoted or unquoted attribute value: the range of its raw bytes.
    private mutating func attributeValue() -> (Int, Int) {
        let quote = input[pos]
        if quote == 0x22 || quote == 0x27 {
            pos += 1
            let start = pos
            while input[pos] != 0 && input[pos] != quote { pos += 1 }
            let stop = pos
            if input[pos] == quote { pos += 1 }
            return (start, stop)
        }
        let start = pos
        while true {
            let c = input[pos]
            if c == 0 || c == 0x3E || HTMLBytes.isBlank(c) { break }
            pos += 1
        }
        return (start, pos)
    }

    /// An attribute value with its references decoded as libxml2 does (an invalid numeric reference
    /// ends the value: libxml2 writes it as a NUL).
    private mutating func decodeAttribute(_ start: Int, _ stop: Int) -> String {
        if memchr(input + start, 0x26, stop - start) == nil {
            return String(decoding: UnsafeBufferPointer(start: input + start, count: stop - start), as: UTF8.self)
        }
        var out: [UInt8] = []
        let saved = pos
        defer { pos = saved }
        pos = start
        while pos < stop {
            if input[pos] == 0x26 {
                if input[pos + 1] == 0x23 {
                    let c = charRef()
                    if c == 0 { break }
                    Self.appendUTF8(c, to: &out)
                } else {
                    let amp = pos
                    pos += 1
                    let nameEnd = entityNameEnd(pos)
                    if nameEnd == pos || input[nameEnd] == 0 {
                        out.append(0x26)
                    } else if input[nameEnd] == 0x3B, let v = entity(pos, nameEnd) {
                        Self.appendUTF8(v, to: &out)
                        pos = nameEnd + 1
                    } else {
                        out.append(contentsOf: UnsafeBufferPointer(start: input + amp, count: nameEnd - amp))
                        pos = nameEnd
                    }
                }
            } else {
                out.append(input[pos])
                pos += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `</name ...>` (htmlParseEndTag); whether it closed an element of its name.
    private mutating func endTag() -> Bool {
        pos += 2
        let (name, after) = scanName(pos, dot: true)
        if name.length == 0 { return false }
        pos = after
        skipBlanks()
        while input[pos] != 0 && input[pos] != 0x3E { pos += 1 }
        if input[pos] == 0x3E { pos += 1 }
        if discarded > 0 && (name.name == .html || name.name == .body || name.name == .head) {
            discarded -= 1
            return false
        }
        // The innermost open element of that name, unless a higher-priority one is in the way.
        let priority = name.name.endPriority
        var i = stack.count - 1
        while i >= 0 {
            if same(stack[i], name) { break }
            if stack[i].name.endPriority > priority { return false }
            i -= 1
        }
        if i < 0 { return false }
        while stack.count > i + 1 { endTop() }
        endTop()
        return true
    }

    /// Closes the open elements a start tag `name` implies the end of (htmlAutoClose).
    @inline(__always)
    private mutating func closeFor(_ name: HTMLElementName) {
        while let top = stack.last, autoClose.closes(name, top.name) { endTop() }
    }

    /// The html, head or body elements libxml2 opens before `name` (htmlCheckImplied).
    private mutating func implied(_ name: HTMLElementName) {
        if name == .html { return }
        if stack.isEmpty { push(Element(name: .html), id: nil) }
        if name == .body || name == .head { return }
        let headContent: Bool
        switch name {
        case .script, .style, .meta, .link, .title, .base: headContent = true
        default: headContent = false
        }
        if headContent && stack.count <= 1 {
            if seen >= 3 { return }
            push(Element(name: .head), id: nil)
        } else if name != .noframes && name != .frame && name != .frameset {
            if seen >= 10 { return }
            for e in stack where e.name == .body || e.name == .head { return }
            push(Element(name: .body), id: nil)
        }
    }

    /// Text directly in no element, html or head gets a `<p>` (htmlCheckParagraph).
    @inline(__always)
    private mutating func checkParagraph() {
        if let top = stack.last, top.name != .html && top.name != .head { return }
        closeFor(.p)
        implied(.p)
        push(Element(name: .p), id: nil)
    }

    private mutating func push(_ e: Element, id: String?) {
        if e.name == .head && seen < 3 { seen = 3 }
        if e.name == .body && seen < 10 { seen = 10 }
        stack.append(e)
        collector.start(e.name, id: id)
    }

    @inline(__always)
    private mutating func endTop() {
        let e = stack.removeLast()
        collector.end(e.name)
    }

    private mutating func closeAll() {
        while !stack.isEmpty { endTop() }
    }

    @inline(__always)
    private func isSame(_ a: Element?, _ b: Element) -> Bool {
        guard let a else { return false }
        return Self.same(a, b, input)
    }

    @inline(__always)
    private func same(_ a: Element, _ b: Element) -> Bool { Self.same(a, b, input) }

    private static func same(_ a: Element, _ b: Element, _ input: UnsafeMutablePointer<UInt8>) -> Bool {
        guard a.name == b.name else { return false }
        if a.name != .unknown { return true }
        guard a.length == b.length else { return false }
        for k in 0..<Int(a.length) where HTMLBytes.lower(input[Int(a.start) + k]) != HTMLBytes.lower(input[Int(b.start) + k]) {
            return false
        }
        return true
    }

    /// A tag or attribute name at `i` (htmlParseHTMLName; `dot: false` is its look-ahead variant, which
    /// stops at '.'): letters, digits, ':', '-', '_' (and '.'), at most 100 bytes. Length 0 if none.
    @inline(__always)
    private func scanName(_ i: Int, dot: Bool) -> (Element, Int) {
        let first = input[i]
        guard HTMLBytes.isLetter(first) || first == 0x5F || first == 0x3A || (dot && first == 0x2E) else {
            return (Element(name: .unknown, start: Int32(i), length: 0), i)
        }
        var key: UInt64 = 0
        var j = i
        while j - i < 100 {
            let c = input[j]
            if HTMLBytes.isLetter(c) {
                if j - i < 8 { key |= UInt64(c | 0x20) << (8 * UInt64(j - i)) }
            } else if HTMLBytes.isDigit(c) || c == 0x3A || c == 0x2D || c == 0x5F || (dot && c == 0x2E) {
                if j - i < 8 { key |= UInt64(c) << (8 * UInt64(j - i)) }
            } else {
                break
            }
            j += 1
        }
        let name = names.lookup(key, length: j - i, bytes: input + i)
        return (Element(name: name, start: Int32(i), length: Int32(j - i)), j)
    }

    // MARK: text

    /// Character data up to the next `<` or `&` (htmlParseCharDataInternal).
    private mutating func charData() {
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
    private mutating func textAtTop(_ start: Int, _ stop: Int) {
        if !isBlankRun(input + start, stop - start) { checkParagraph() }
        emit(input + start, stop - start)
    }

    /// areBlanks without a tree: only blanks, and then the end of input or a '<'. A run of 1000 bytes or
    /// more is not blank (libxml2 tests its first 1000-byte chunk while still inside the run).
    private func isBlankRun(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        if count >= 1000 { return false }
        for k in 0..<count where !HTMLBytes.isBlank(p[k]) { return false }
        return input[pos] == 0 || input[pos] == 0x3C
    }

    @inline(__always)
    private mutating func emit(_ p: UnsafePointer<UInt8>, _ count: Int) {
        collector.characters(p, count: count)
    }

    /// `&...` in text (htmlParseReference).
    private mutating func reference() {
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
    private func entityNameEnd(_ i: Int) -> Int {
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
    private func entity(_ start: Int, _ stop: Int) -> UInt32? {
        let length = stop - start
        if length > 8 { return nil }
        var key: UInt64 = 0
        for k in 0..<length { key |= UInt64(input[start + k]) << (8 * UInt64(k)) }
        let v = entities.lookup(key)
        return v == 0 ? nil : v
    }

    /// `&#...;` or `&#x...;` (htmlParseCharRef): the value, or 0 when it is not an XML character.
    private mutating func charRef() -> UInt32 {
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

    private mutating func emitScalar(_ c: UInt32) {
        var buf: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let n = Self.encodeUTF8(c, into: &buf)
        withUnsafePointer(to: &buf) { ptr in
            ptr.withMemoryRebound(to: UInt8.self, capacity: 4) { emit($0, n) }
        }
    }

    private static func encodeUTF8(_ c: UInt32, into b: inout (UInt8, UInt8, UInt8, UInt8)) -> Int {
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

    private static func appendUTF8(_ c: UInt32, to out: inout [UInt8]) {
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
    private mutating func rawText() {
        guard let top = stack.last else { return }
        let name = top.name == .unknown ? nil : "\(top.name)"
        while input[pos] != 0 {
            if input[pos] == 0x3C && input[pos + 1] == 0x2F && matchesName(top, name, at: pos + 2) { return }
            pos += 1
        }
    }

    private func matchesName(_ e: Element, _ known: String?, at i: Int) -> Bool {
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
    private mutating func comment() {
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
    private mutating func processingInstruction() {
        guard input[pos] == 0x3C && input[pos + 1] == 0x3F else { return }
        pos += 2
        guard hasName(at: pos) else { return }
        while input[pos] != 0 && input[pos] != 0x3E { pos += 1 }
        if input[pos] == 0x3E { pos += 1 }
    }

    /// Whether htmlParseName finds a name at `i` (an ASCII one running to the end of input does not count).
    private func hasName(at i: Int) -> Bool {
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

    private func atDoctype() -> Bool {
        guard input[pos] == 0x3C && input[pos + 1] == 0x21 else { return false }
        let word: [UInt8] = [0x44, 0x4F, 0x43, 0x54, 0x59, 0x50, 0x45]   // DOCTYPE
        for k in 0..<7 where Self.upper(input[pos + 2 + k]) != word[k] { return false }
        return true
    }

    @inline(__always) private static func upper(_ c: UInt8) -> UInt8 { c &- 0x61 < 26 ? c - 0x20 : c }

    /// `<!DOCTYPE name PUBLIC "..." "...">` (htmlParseDocTypeDecl): quoted literals may hold '>'.
    private mutating func doctype() {
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

    private func keyword(_ word: StaticString) -> Bool {
        let p = word.utf8Start
        for k in 0..<word.utf8CodeUnitCount where Self.upper(input[pos + k]) != p[k] { return false }
        return true
    }

    private mutating func literal() {
        let quote = input[pos]
        guard quote == 0x22 || quote == 0x27 else { return }
        pos += 1
        while input[pos] != 0 && input[pos] != quote { pos += 1 }
        if input[pos] == quote { pos += 1 }
    }

    @inline(__always)
    private mutating func skipBlanks() {
        while HTMLBytes.isBlank(input[pos]) { pos += 1 }
    }
}
