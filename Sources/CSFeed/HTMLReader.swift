#if canImport(Glibc)
import Glibc
#endif

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
    let input: UnsafeMutablePointer<UInt8>
    /// Index of the terminating 0 byte; `input` has zero padding after it for look-ahead.
    let end: Int
    var pos = 0
    var stack: [Element]
    /// libxml2's ctxt->html: 3 once a head was seen, 10 once a body was.
    var seen = 1
    /// Misplaced html/head/body start tags whose end tags are still to be ignored (ctxt->depth).
    var discarded = 0
    var collector: HTMLTextCollector
    let names: HTMLElementNameTable
    let autoClose: HTMLAutoClose
    let entities: HTMLEntities

    /// The shared tables, fetched once per HTMLParser rather than once per item.
    struct Tables {
        let names = HTMLElementNameTable.shared
        let autoClose = HTMLAutoClose.shared
        let entities = HTMLEntities.shared
    }

    init(input: UnsafeMutablePointer<UInt8>, end: Int, stack: [Element], collector: HTMLTextCollector, tables: Tables) {
        self.input = input
        self.collector = collector
        self.end = end
        self.stack = stack
        names = tables.names
        autoClose = tables.autoClose
        entities = tables.entities
    }

    // MARK: document and content (htmlParseDocument, htmlParseContentInternal)

    mutating func document() {
        skipBlanks()
        prologMisc()
        if atDoctype() { doctype() }
        skipBlanks()
        prologMisc()
        content()
        closeAll()
    }

    /// Comments and processing instructions before the content.
    mutating func prologMisc() {
        while input[pos] == 0x3C && ((input[pos + 1] == 0x21 && input[pos + 2] == 0x2D && input[pos + 3] == 0x2D) || input[pos + 1] == 0x3F) {
            comment()
            processingInstruction()
            skipBlanks()
        }
    }

    mutating func content() {
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
    mutating func element() {
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
    mutating func startTag() {
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
    mutating func attributeValue() -> (Int, Int) {
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
    mutating func decodeAttribute(_ start: Int, _ stop: Int) -> String {
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
    mutating func endTag() -> Bool {
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
    mutating func closeFor(_ name: HTMLElementName) {
        while let top = stack.last, autoClose.closes(name, top.name) { endTop() }
    }

    /// The html, head or body elements libxml2 opens before `name` (htmlCheckImplied).
    mutating func implied(_ name: HTMLElementName) {
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
    mutating func checkParagraph() {
        if let top = stack.last, top.name != .html && top.name != .head { return }
        closeFor(.p)
        implied(.p)
        push(Element(name: .p), id: nil)
    }

    mutating func push(_ e: Element, id: String?) {
        if e.name == .head && seen < 3 { seen = 3 }
        if e.name == .body && seen < 10 { seen = 10 }
        stack.append(e)
        collector.start(e.name, id: id)
    }

    @inline(__always)
    mutating func endTop() {
        let e = stack.removeLast()
        collector.end(e.name)
    }

    mutating func closeAll() {
        while !stack.isEmpty { endTop() }
    }

    @inline(__always)
    func isSame(_ a: Element?, _ b: Element) -> Bool {
        guard let a else { return false }
        return Self.same(a, b, input)
    }

    @inline(__always)
    func same(_ a: Element, _ b: Element) -> Bool { Self.same(a, b, input) }

    static func same(_ a: Element, _ b: Element, _ input: UnsafeMutablePointer<UInt8>) -> Bool {
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
    func scanName(_ i: Int, dot: Bool) -> (Element, Int) {
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

    @inline(__always)
    mutating func skipBlanks() {
        while HTMLBytes.isBlank(input[pos]) { pos += 1 }
    }
}
