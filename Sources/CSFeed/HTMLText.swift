internal import CLibXML2
import CSCore

/// Plain text and sections from an HTML fragment, through libxml2's forgiving HTML parser: entities
/// decoded, block elements as line breaks, list items one per line, script and style dropped.
enum HTMLText {
    static func extract(_ html: String, parser: HTMLParser = HTMLParser()) -> (text: String, sections: Sections) {
        let doc = parser.parse(html)
        guard let doc else { return ("", Sections()) }
        defer { xmlFreeDoc(doc) }
        var walker = Walker()
        walker.visitChildren(of: UnsafeMutablePointer(doc).withMemoryRebound(to: xmlNode.self, capacity: 1) { $0 })
        walker.endSection()
        return (walker.text.text, walker.sections)
    }

    /// Plain text of an HTML fragment on one line (titles that carry markup).
    static func singleLine(_ html: String) -> String {
        let (text, _) = extract(html)
        var b = TextBuilder(singleLine: true)
        b.append(text)
        return b.text
    }
}

struct Walker {
    var text = TextBuilder(capacity: 4096)
    var sections = Sections()
    private var section: SectionKind = .other
    private var sectionLevel = 0
    private var listItems: [String] = []
    private var paragraphs: [String] = []
    private var inListItem = 0

    mutating func visitChildren(of node: UnsafeMutablePointer<xmlNode>) {
        var child = node.pointee.children
        while let c = child {
            visit(c)
            child = c.pointee.next
        }
    }

    mutating func visit(_ node: UnsafeMutablePointer<xmlNode>) {
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            if let content = node.pointee.content { text.append(content) }
        case XML_ELEMENT_NODE:
            element(node)
        case XML_ENTITY_REF_NODE:
            visitChildren(of: node)
        default:
            break
        }
    }

    private mutating func element(_ node: UnsafeMutablePointer<xmlNode>) {
        let tag = HTMLTag(node.pointee.name)
        switch tag {
        case .dropped:
            return
        case .heading(let level):
            heading(node, level: level)
            return
        case .br:
            text.lineBreak()
            return
        case .cell:
            // Cells of a row stay on one line, separated.
            text.append(" ")
            visitChildren(of: node)
            text.append(" ")
            return
        case .listItem:
            text.lineBreak()
            if section != .other && inListItem == 0 { listItems.append(Self.lineText(node)) }
            inListItem += 1
            visitChildren(of: node)
            inListItem -= 1
            text.lineBreak()
            return
        case .paragraph:
            // `<p><strong>Impact</strong></p>` is used as a heading by some feeds.
            if let label = Self.boldLabel(node), SectionKind.classify(label) != .other {
                heading(node, level: 7)
                return
            }
            if section != .other && inListItem == 0 { paragraphs.append(Self.lineText(node)) }
        default:
            break
        }
        let block: Bool
        switch tag {
        case .block, .paragraph: block = true
        default: block = false
        }
        if block { text.lineBreak() }
        visitChildren(of: node)
        if block { text.lineBreak() }
    }

    private mutating func heading(_ node: UnsafeMutablePointer<xmlNode>, level: Int) {
        let title = Self.lineText(node)
        text.lineBreak()
        text.append(title)
        text.lineBreak()
        var kind = SectionKind.classify(title)
        if kind == .other, let id = Self.attribute(node, "id") { kind = SectionKind.classify(id) }
        // A deeper heading inside a known section belongs to it (sub-steps of an attack chain).
        if section != .other && kind == .other && level > sectionLevel { return }
        endSection()
        section = kind
        sectionLevel = level
    }

    /// Files what the open section collected: list items where there is a list, else paragraphs.
    mutating func endSection() {
        let items = (listItems.isEmpty ? paragraphs : listItems).filter { !$0.isEmpty }
        switch section {
        case .attackChain: sections.attackChain += items
        case .recommendations: sections.recommendations += items
        case .impact: sections.impact += (paragraphs.isEmpty ? listItems : paragraphs).filter { !$0.isEmpty }
        case .other: break
        }
        listItems.removeAll(keepingCapacity: true)
        paragraphs.removeAll(keepingCapacity: true)
        section = .other
        sectionLevel = 0
    }

    static func name(_ node: UnsafeMutablePointer<xmlNode>) -> String {
        guard let n = node.pointee.name else { return "" }
        return String(cString: n).lowercased()
    }

    static func attribute(_ node: UnsafeMutablePointer<xmlNode>, _ name: String) -> String? {
        guard let v = xmlGetProp(node, name) else { return nil }
        defer { cs_xml_free(v) }
        return String(cString: v)
    }

    /// The text of a subtree on one line.
    static func lineText(_ node: UnsafeMutablePointer<xmlNode>) -> String {
        var b = TextBuilder(singleLine: true)
        collect(node, into: &b)
        return b.text
    }

    private static func collect(_ node: UnsafeMutablePointer<xmlNode>, into b: inout TextBuilder) {
        var child = node.pointee.children
        while let c = child {
            switch c.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = c.pointee.content { b.append(content) }
            case XML_ELEMENT_NODE:
                switch HTMLTag(c.pointee.name) {
                case .dropped: break
                case .inline, .cell: collect(c, into: &b)
                default: b.lineBreak(); collect(c, into: &b)
                }
            case XML_ENTITY_REF_NODE:
                collect(c, into: &b)
            default: break
            }
            child = c.pointee.next
        }
    }

    /// The text of a paragraph that consists of one bold/strong element and nothing else.
    static func boldLabel(_ node: UnsafeMutablePointer<xmlNode>) -> String? {
        var only: UnsafeMutablePointer<xmlNode>?
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE {
                if only != nil { return nil }
                only = c
            } else if c.pointee.type == XML_TEXT_NODE, let content = c.pointee.content {
                var k = 0
                while content[k] != 0 {
                    let ch = content[k]
                    if !(ch == 0x20 || ch == 0x0A || ch == 0x09 || ch == 0x0D || ch == UInt8(ascii: ":")) { return nil }
                    k += 1
                }
            }
            child = c.pointee.next
        }
        guard let only, ["strong", "b"].contains(name(only)) else { return nil }
        let label = lineText(only)
        return label.utf8.count <= 60 ? label : nil
    }

    static let blockNames: [String] = [
        "p", "div", "ul", "ol", "dl", "li", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "caption",
        "blockquote", "pre", "section", "article", "header", "footer", "aside", "nav", "main", "figure",
        "figcaption", "hr", "address", "details", "summary", "form", "fieldset", "h1", "h2", "h3", "h4", "h5", "h6",
        "body", "html"]

    static func isBlock(_ name: String) -> Bool { blockNames.contains(name) }
}
