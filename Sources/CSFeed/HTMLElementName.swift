/// The HTML element names that matter to cs: those libxml2's HTML parser treats specially (implied and
/// auto-closed elements, end-tag priorities, empty elements) and those the text walker classifies. Any
/// other name is `.unknown` and compared by its bytes. A small integer, so the parser's tables are arrays.
enum HTMLElementName: UInt8, CaseIterable {
    case unknown = 0
    case html, head, body, title, base, meta, link, style, script, noscript, template, noframes, frame, frameset
    case p, div, ul, ol, dl, li, dt, dd, dir, menu
    case table, thead, tbody, tfoot, tr, td, th, caption, col, colgroup
    case blockquote, pre, listing, xmp, section, article, header, footer, aside, nav, main, figure, figcaption
    case hr, address, details, summary, form, fieldset, legend, center
    case h1, h2, h3, h4, h5, h6
    case br, a, abbr, acronym, b, bdo, big, cite, code, dfn, em, font, i, iframe, img, kbd, map, q, s, samp
    case small, span, strike, strong, sub, sup, tt, u, `var`, option, optgroup
    case area, basefont, input, isindex, param

    /// Lowercase name bytes packed into an integer (first byte lowest); names longer than 8 bytes keep
    /// their first 8 and are told apart by length.
    static func pack(_ name: String) -> UInt64 {
        var key: UInt64 = 0
        for (i, c) in name.utf8.prefix(8).enumerated() { key |= UInt64(c) << (8 * UInt64(i)) }
        return key
    }

    /// Elements libxml2 closes right after opening them (its DTD's EMPTY elements; not HTML5's list:
    /// `wbr` and `embed` stay open there).
    var isEmpty: Bool {
        switch self {
        case .area, .base, .basefont, .br, .col, .frame, .hr, .img, .input, .isindex, .link, .meta, .param: return true
        default: return false
        }
    }

    /// How far a misplaced end tag may reach: it closes open elements up to one of its name only when
    /// none in between has a higher priority (`</span>` cannot close a `<div>` or a cell).
    var endPriority: UInt8 {
        switch self {
        case .div: return 150
        case .td, .th: return 160
        case .tr: return 170
        case .thead, .tbody, .tfoot: return 180
        case .table: return 190
        case .head, .body: return 200
        case .html: return 220
        default: return 100
        }
    }

    /// Content read as raw text up to the element's own end tag (libxml2 does this for these two only).
    var isRawText: Bool { self == .script || self == .style }
}

/// Finds an element name from its packed lowercase bytes: an open-addressing table built once.
struct HTMLElementNameTable {
    private var keys = [UInt64](repeating: 0, count: 512)
    private var values = [UInt8](repeating: 0, count: 512)

    static let shared = HTMLElementNameTable()

    private init() {
        for name in HTMLElementName.allCases where name != .unknown {
            let text = "\(name)"
            let key = HTMLElementName.pack(text)
            var slot = Self.slot(key, length: text.utf8.count)
            while keys[slot] != 0 { slot = (slot + 1) & 511 }
            keys[slot] = key
            values[slot] = name.rawValue | (text.utf8.count > 8 ? 0x80 : 0)
        }
    }

    @inline(__always)
    private static func slot(_ key: UInt64, length: Int) -> Int {
        Int(truncatingIfNeeded: ((key &+ UInt64(length > 8 ? 1 : 0)) &* 0x9E37_79B9_7F4A_7C15) >> 55)
    }

    /// The element for `length` name bytes whose lowercase first eight are packed in `key`; names over 8
    /// bytes are confirmed against `bytes` (the lowercase check is the caller's `equalsLowercase`).
    @inline(__always)
    func lookup(_ key: UInt64, length: Int, bytes: UnsafePointer<UInt8>) -> HTMLElementName {
        if length > 10 || key == 0 { return .unknown }
        var slot = Self.slot(key, length: length)
        while true {
            let k = keys[slot]
            if k == 0 { return .unknown }
            if k == key {
                let v = values[slot]
                if v & 0x80 == 0 {
                    if length <= 8 { return HTMLElementName(rawValue: v)! }
                } else if length > 8 {
                    let name = HTMLElementName(rawValue: v & 0x7F)!
                    if Self.sameName(bytes, length, name) { return name }
                }
            }
            slot = (slot + 1) & 511
        }
    }

    private static func sameName(_ bytes: UnsafePointer<UInt8>, _ length: Int, _ name: HTMLElementName) -> Bool {
        let text = "\(name)".utf8
        guard text.count == length else { return false }
        for (i, c) in text.enumerated() where HTMLBytes.lower(bytes[i]) != c { return false }
        return true
    }

    /// The element named by a NUL-terminated lowercase C string (libxml2's names, for the test oracle).
    func lookup(cString: UnsafePointer<UInt8>) -> HTMLElementName {
        var length = 0
        var key: UInt64 = 0
        while cString[length] != 0 {
            if length < 8 { key |= UInt64(cString[length]) << (8 * UInt64(length)) }
            length += 1
        }
        return lookup(key, length: length, bytes: cString)
    }
}

/// Byte classes of HTML markup (ASCII only, as libxml2's HTML parser has them).
enum HTMLBytes {
    @inline(__always) static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) &- 0x61 < 26 }
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
    /// Space, tab, line feed, carriage return (not form feed).
    @inline(__always) static func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D }
    @inline(__always) static func lower(_ c: UInt8) -> UInt8 { c &- 0x41 < 26 ? c | 0x20 : c }
}
