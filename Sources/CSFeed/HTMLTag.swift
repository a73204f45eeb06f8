/// The HTML elements the text walker treats specially, from libxml2's (already lowercase) element name
/// without making a Swift string for each element.
enum HTMLTag {
    case dropped, heading(Int), br, cell, listItem, paragraph, block, inline

    init(_ name: UnsafePointer<UInt8>?) {
        guard let n = name else { self = .inline; return }
        // Names of up to 8 bytes packed into an integer and looked up; longer ones compared as strings.
        var key: UInt64 = 0
        var length = 0
        while n[length] != 0 {
            if length == 8 {
                let s = String(cString: n)
                self = HTMLTag.isBlock(s) ? .block : .inline
                return
            }
            key |= UInt64(n[length]) << (8 * UInt64(length))
            length += 1
        }
        self = HTMLTag.table[key] ?? .inline
    }

    private static func pack(_ s: String) -> UInt64 {
        var key: UInt64 = 0
        for (i, c) in s.utf8.enumerated() { key |= UInt64(c) << (8 * UInt64(i)) }
        return key
    }

    private static let table: [UInt64: HTMLTag] = {
        var t: [UInt64: HTMLTag] = [:]
        for name in ["script", "style", "noscript", "template", "head", "title"] { t[pack(name)] = .dropped }
        for level in 1...6 { t[pack("h\(level)")] = .heading(level) }
        t[pack("br")] = .br
        t[pack("td")] = .cell
        t[pack("th")] = .cell
        for name in ["li", "dt", "dd"] { t[pack(name)] = .listItem }
        t[pack("p")] = .paragraph
        for name in HTMLTag.blockNames where name.utf8.count <= 8 && t[pack(name)] == nil { t[pack(name)] = .block }
        return t
    }()

    static let blockNames: [String] = [
        "p", "div", "ul", "ol", "dl", "li", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "caption",
        "blockquote", "pre", "section", "article", "header", "footer", "aside", "nav", "main", "figure",
        "figcaption", "hr", "address", "details", "summary", "form", "fieldset", "h1", "h2", "h3", "h4", "h5", "h6",
        "body", "html"]

    static func isBlock(_ name: String) -> Bool { blockNames.contains(name) }
}
