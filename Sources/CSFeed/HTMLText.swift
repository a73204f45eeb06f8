import CSCore

/// Plain text and sections from an HTML fragment, read as libxml2's forgiving HTML parser reads it
/// (HTMLParser): entities decoded, block elements as line breaks, list items one per line, script and
/// style dropped.
enum HTMLText {
    static func extract(_ html: String, parser: HTMLParser = HTMLParser()) -> (text: String, sections: Sections) {
        let collector = HTMLTextCollector()
        parser.parse(html, into: collector)
        collector.endSection()
        return (collector.text.text, collector.sections)
    }

    /// Plain text of an HTML fragment on one line (titles that carry markup).
    static func singleLine(_ html: String) -> String {
        let (text, _) = extract(html)
        var b = TextBuilder(singleLine: true)
        b.append(text)
        return b.text
    }
}

/// Receives HTML parsing events (no tree is built) and writes the text and the sections.
/// Text inside a heading, a list item or a paragraph is also captured on one line, for the sections.
final class HTMLTextCollector {
    private(set) var text = TextBuilder(capacity: 4096)
    private(set) var sections = Sections()
    private var section: SectionKind = .other
    private var sectionLevel = 0
    private var listItems: [String] = []
    private var paragraphs: [String] = []

    private var depth = 0
    /// Inside script, style and the like: everything is dropped.
    private var skipDepth = 0
    private var listItemDepth = 0

    private struct Heading { var text = TextBuilder(singleLine: true); let depth: Int; let level: Int; let id: String? }
    private struct Item { var text = TextBuilder(singleLine: true); let depth: Int }
    /// A paragraph, and whether it is only a bold label (`<p><strong>Impact:</strong></p>`), which some
    /// feeds use as a heading.
    private struct Paragraph {
        var text = TextBuilder(singleLine: true)
        let depth: Int
        var elements = 0
        var onlyBold = true
        var onlyLabelText = true
    }
    private var heading: Heading?
    private var item: Item?
    private var paragraph: Paragraph?

    /// A start tag; `id` is the element's id attribute, given for headings.
    func start(_ name: HTMLElementName, id: String?) {
        depth += 1
        let tag = HTMLTag(name)
        if case .dropped = tag { skipDepth += 1; return }
        if skipDepth > 0 { return }
        if paragraph != nil, depth == paragraph!.depth + 1 {
            paragraph!.elements += 1
            if name != .b && name != .strong { paragraph!.onlyBold = false }
        }
        switch tag {
        case .inline, .cell, .dropped: break
        default:
            // One-line captures put a space where a block begins.
            heading?.text.lineBreak()
            item?.text.lineBreak()
            paragraph?.text.lineBreak()
        }
        switch tag {
        case .heading(let level):
            text.lineBreak()
            heading = Heading(depth: depth, level: level, id: id)
        case .br:
            text.lineBreak()
        case .cell:
            text.append(" ")
        case .listItem:
            text.lineBreak()
            if section != .other && listItemDepth == 0 { item = Item(depth: depth) }
            listItemDepth += 1
        case .paragraph:
            text.lineBreak()
            paragraph = Paragraph(depth: depth)
        case .block:
            text.lineBreak()
        case .inline, .dropped:
            break
        }
    }

    func end(_ name: HTMLElementName) {
        defer { depth -= 1 }
        let tag = HTMLTag(name)
        if case .dropped = tag { skipDepth = max(0, skipDepth - 1); return }
        if skipDepth > 0 { return }
        switch tag {
        case .heading:
            guard let h = heading, h.depth == depth else { return }
            heading = nil
            let title = h.text.text
            text.lineBreak()
            text.append(title)
            text.lineBreak()
            var kind = SectionKind.classify(title)
            if kind == .other, let id = h.id { kind = SectionKind.classify(id) }
            open(kind, level: h.level)
        case .listItem:
            listItemDepth = max(0, listItemDepth - 1)
            if let i = item, i.depth == depth {
                listItems.append(i.text.text)
                item = nil
            }
            text.lineBreak()
        case .paragraph:
            if let p = paragraph, p.depth == depth {
                paragraph = nil
                let label = p.text.text
                if p.elements == 1, p.onlyBold, p.onlyLabelText, label.utf8.count <= 61, SectionKind.classify(label) != .other {
                    open(SectionKind.classify(label), level: 7)
                } else if section != .other && listItemDepth == 0 {
                    paragraphs.append(label)
                }
            }
            text.lineBreak()
        case .block:
            text.lineBreak()
        case .cell:
            text.append(" ")
        case .br, .inline, .dropped:
            break
        }
    }

    func characters(_ p: UnsafePointer<UInt8>, count: Int) {
        if skipDepth > 0 { return }
        if paragraph != nil, depth == paragraph!.depth, paragraph!.onlyLabelText {
            for k in 0..<count {
                let c = p[k]
                if !(c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D || c == UInt8(ascii: ":")) {
                    paragraph!.onlyLabelText = false
                    break
                }
            }
        }
        item?.text.append(p, count: count)
        paragraph?.text.append(p, count: count)
        if heading != nil { heading!.text.append(p, count: count) } else { text.append(p, count: count) }
    }

    /// A heading (or bold label) of `kind` at `level`: a deeper heading inside a known section belongs to
    /// it (sub-steps of an attack chain); anything else ends the open section.
    private func open(_ kind: SectionKind, level: Int) {
        if section != .other && kind == .other && level > sectionLevel { return }
        endSection()
        section = kind
        sectionLevel = level
    }

    /// Files what the open section collected: list items where there is a list, else paragraphs.
    func endSection() {
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
}
