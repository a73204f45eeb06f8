import CSCore

/// Plain text and sections from an HTML fragment, read as libxml2's forgiving HTML parser reads it
/// (HTMLParser): entities decoded, block elements as line breaks, list items one per line, script and
/// style dropped.
enum HTMLText {
    static func extract(_ html: String, parser: HTMLParser = HTMLParser()) -> (text: String, sections: Sections) {
        parser.extract(html)
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
struct HTMLTextCollector {
    private(set) var text: TextBuilder
    private(set) var sections = Sections()
    private var section: SectionKind = .other
    private var sectionLevel = 0
    private var listItems: [String] = []
    private var paragraphs: [String] = []

    private var depth = 0
    /// Inside script, style and the like: everything is dropped.
    private var skipDepth = 0
    private var listItemDepth = 0

    private struct Heading { let depth: Int; let level: Int; let id: String? }
    private struct Item { let depth: Int }
    /// A paragraph, and whether it is only a bold label (`<p><strong>Impact:</strong></p>`), which some
    /// feeds use as a heading.
    private struct Paragraph {
        let depth: Int
        var elements = 0
        var onlyBold = true
        var onlyLabelText = true
    }
    private var heading: Heading?
    private var item: Item?
    private var paragraph: Paragraph?
    /// The one-line text of the open heading, list item and paragraph. At most one of each is open (a new
    /// one replaces the last), so each builder is reused.
    private var headingText = TextBuilder(singleLine: true, capacity: 0)
    private var itemText = TextBuilder(singleLine: true, capacity: 0)
    private var paragraphText = TextBuilder(singleLine: true, capacity: 0)

    init(capacity: Int = 4096) { text = TextBuilder(capacity: capacity) }

    /// Back to the state of a new collector, keeping the storage.
    mutating func reset() {
        text.reset()
        sections = Sections()
        section = .other
        sectionLevel = 0
        listItems.removeAll(keepingCapacity: true)
        paragraphs.removeAll(keepingCapacity: true)
        depth = 0
        skipDepth = 0
        listItemDepth = 0
        heading = nil
        item = nil
        paragraph = nil
    }

    /// A start tag; `id` is the element's id attribute (only headings use it).
    mutating func start(_ name: HTMLElementName, id: String?) {
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
            if heading != nil { headingText.lineBreak() }
            if item != nil { itemText.lineBreak() }
            if paragraph != nil { paragraphText.lineBreak() }
        }
        switch tag {
        case .heading(let level):
            text.lineBreak()
            heading = Heading(depth: depth, level: level, id: id)
            headingText.reset()
        case .br:
            text.lineBreak()
        case .cell:
            text.append(" ")
        case .listItem:
            text.lineBreak()
            if section != .other && listItemDepth == 0 {
                item = Item(depth: depth)
                itemText.reset()
            }
            listItemDepth += 1
        case .paragraph:
            text.lineBreak()
            paragraph = Paragraph(depth: depth)
            paragraphText.reset()
        case .block:
            text.lineBreak()
        case .inline, .dropped:
            break
        }
    }

    mutating func end(_ name: HTMLElementName) {
        defer { depth -= 1 }
        let tag = HTMLTag(name)
        if case .dropped = tag { skipDepth = max(0, skipDepth - 1); return }
        if skipDepth > 0 { return }
        switch tag {
        case .heading:
            guard let h = heading, h.depth == depth else { return }
            heading = nil
            let title = headingText.text
            text.lineBreak()
            text.append(title)
            text.lineBreak()
            var kind = SectionKind.classify(title)
            if kind == .other, let id = h.id { kind = SectionKind.classify(id) }
            open(kind, level: h.level)
        case .listItem:
            listItemDepth = max(0, listItemDepth - 1)
            if let i = item, i.depth == depth {
                listItems.append(itemText.text)
                item = nil
            }
            text.lineBreak()
        case .paragraph:
            if let p = paragraph, p.depth == depth {
                paragraph = nil
                // The text only becomes a string when it is a label candidate or a section's paragraph.
                var label: String?
                if p.elements == 1, p.onlyBold, p.onlyLabelText, paragraphText.count <= 61 {
                    label = paragraphText.text
                    let kind = SectionKind.classify(label!)
                    if kind != .other {
                        open(kind, level: 7)
                        text.lineBreak()
                        return
                    }
                }
                if section != .other && listItemDepth == 0 {
                    paragraphs.append(label ?? paragraphText.text)
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

    mutating func characters(_ p: UnsafePointer<UInt8>, count: Int) {
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
        if item != nil { itemText.append(p, count: count) }
        if paragraph != nil { paragraphText.append(p, count: count) }
        if heading != nil { headingText.append(p, count: count) } else { text.append(p, count: count) }
    }

    /// A heading (or bold label) of `kind` at `level`: a deeper heading inside a known section belongs to
    /// it (sub-steps of an attack chain); anything else ends the open section.
    private mutating func open(_ kind: SectionKind, level: Int) {
        if section != .other && kind == .other && level > sectionLevel { return }
        endSection()
        section = kind
        sectionLevel = level
    }

    /// Files what the open section collected: list items where there is a list, else paragraphs.
    mutating func endSection() {
        if section == .other && listItems.isEmpty && paragraphs.isEmpty { sectionLevel = 0; return }
        // List items where there is a list, else paragraphs; for impact the other way round. Empty ones are left out.
        switch section {
        case .attackChain: for s in listItems.isEmpty ? paragraphs : listItems where !s.isEmpty { sections.attackChain.append(s) }
        case .recommendations: for s in listItems.isEmpty ? paragraphs : listItems where !s.isEmpty { sections.recommendations.append(s) }
        case .impact: for s in paragraphs.isEmpty ? listItems : paragraphs where !s.isEmpty { sections.impact.append(s) }
        case .other: break
        }
        listItems.removeAll(keepingCapacity: true)
        paragraphs.removeAll(keepingCapacity: true)
        section = .other
        sectionLevel = 0
    }
}
