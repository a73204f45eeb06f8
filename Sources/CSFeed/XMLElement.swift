#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
internal import CLibXML2
import CSCore

/// Namespaces that feeds use for the elements cs models.
enum XMLNamespace {
    static let atom10 = "http://www.w3.org/2005/Atom"
    static let atom03 = "http://purl.org/atom/ns#"
    static let rss10 = "http://purl.org/rss/1.0/"
    static let rss090 = "http://my.netscape.com/rdf/simple/0.9/"
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let content = "http://purl.org/rss/1.0/modules/content/"
    static let dc = "http://purl.org/dc/elements/1.1/"
    static let dcterms = "http://purl.org/dc/terms/"
    static let xhtml = "http://www.w3.org/1999/xhtml"
    static let itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd"
    static let media = "http://search.yahoo.com/mrss/"

    /// The namespace cs compares with for a URI as a document wrote it: the other spellings feeds use for
    /// one vocabulary (Dublin Core 1.0 and 1.1 with or without the trailing slash, Media RSS before and
    /// after 1.1.2 added the slash, module URIs without their slash) and, as feedparser does, any case.
    static func canonical(_ href: UnsafePointer<UInt8>) -> String {
        // The URIs cs models, as written, are compared as C strings and answered with the shared constant:
        // no String is made for them (every element of an Atom entry is in Atom's namespace).
        let s = UnsafeRawPointer(href).assumingMemoryBound(to: CChar.self)
        for uri in modelled where strcmp(s, uri) == 0 { return uri }   // a native String's C form needs no copy
        return canonical(String(cString: href))
    }

    static func canonical(_ uri: String) -> String {
        if let known = variants[uri] { return known }
        guard uri.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return uri }
        return byLowercase[uri.lowercased()] ?? uri
    }

    private static let variants: [String: String] = [
        "http://purl.org/dc/elements/1.0/": dc, "http://purl.org/dc/elements/1.0": dc, "http://purl.org/dc/elements/1.1": dc,
        "http://purl.org/dc/terms": dcterms,
        "http://purl.org/rss/1.0/modules/content": content,
        "http://search.yahoo.com/mrss": media,
        "http://www.w3.org/2005/atom": atom10,
    ]
    /// The modelled URIs, most frequent first.
    private static let modelled = [atom10, content, dc, dcterms, atom03, media, itunes, xhtml, rss10, rdf, rss090]
    /// Every spelling above, and the modelled URIs themselves, by their lower case.
    private static let byLowercase: [String: String] = {
        var table: [String: String] = [:]
        for uri in [atom10, atom03, rss10, rss090, content, dc, dcterms, xhtml, itunes, media] { table[uri.lowercased()] = uri }
        for (spelling, uri) in variants { table[spelling.lowercased()] = uri }
        return table
    }()

    /// Namespaces that RSS 0.9x/2.0 documents put their own elements in (UserLand's RSS 2.0 namespace,
    /// default or prefixed, and the Harvard one): cs reads those elements as RSS's own, no-namespace ones,
    /// as feedparser does. Compared as C strings, before any String is made.
    static func isRSSOwn(_ href: UnsafePointer<UInt8>) -> Bool {
        let s = UnsafeRawPointer(href).assumingMemoryBound(to: CChar.self)
        return strcmp(s, "http://backend.userland.com/rss2") == 0 || strcmp(s, "http://backend.userland.com/rss") == 0
            || strcmp(s, "http://blogs.law.harvard.edu/tech/rss") == 0
    }
}

/// The text of one item went past the per-item budget (XMLFeedReader.itemTextBudget): a long text, or
/// entity references expanding to one (an amplification attack).
struct ItemTextBudgetExceeded: Error {
    /// The element whose text went past it, as written (`description`); empty until text(budget:) names it.
    var element = ""
    /// Entity references made up part of the text.
    var throughEntities = false
}

/// An element of an expanded item subtree. Valid while the streaming reader is on that item.
struct XMLElement {
    let node: UnsafeMutablePointer<xmlNode>

    /// The local name. An element with an undeclared prefix (`<content:encoded>` in a feed that never
    /// declared `content`) keeps its whole name in libxml2; its part after the colon is the local name.
    var localName: String {
        guard let name = node.pointee.name else { return "" }
        // The colon is looked for in the C string: most elements have none, and no String is made twice.
        if node.pointee.ns == nil, let colon = strchr(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self), 0x3A) {
            return String(cString: colon + 1)
        }
        return String(cString: name)
    }
    private var rawName: String { node.pointee.name.map { String(cString: $0) } ?? "" }
    /// The namespace URI; for an undeclared prefix, the namespace feeds conventionally mean by it.
    var namespace: String? {
        if let ns = node.pointee.ns {
            guard let href = ns.pointee.href, !XMLNamespace.isRSSOwn(href) else { return nil }
            return XMLNamespace.canonical(href)
        }
        guard let raw = node.pointee.name, strchr(UnsafeRawPointer(raw).assumingMemoryBound(to: CChar.self), 0x3A) != nil
        else { return nil }
        let name = rawName
        guard let colon = name.utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        switch name[..<colon] {
        case "content": return XMLNamespace.content
        case "dc": return XMLNamespace.dc
        case "dcterms": return XMLNamespace.dcterms
        case "atom": return XMLNamespace.atom10
        case "itunes": return XMLNamespace.itunes
        case "media": return XMLNamespace.media
        default: return "urn:undeclared-prefix:" + name[..<colon]
        }
    }
    /// The name as the document wrote it (`dc:creator`), the key under `extensions`.
    var qualifiedName: String {
        if let ns = node.pointee.ns, let prefix = ns.pointee.prefix, !(ns.pointee.href.map(XMLNamespace.isRSSOwn) ?? false) {
            return String(cString: prefix) + ":" + rawName
        }
        return rawName
    }

    func attribute(_ name: String) -> String? {
        // The attribute's own text node, read in place: most attributes are one (libxml2's getter copies
        // every value into a new allocation first). Anything else, and a document with a DTD (which can
        // give attributes default values), goes through libxml2.
        if node.pointee.doc?.pointee.intSubset == nil {
            enum Found { case value(String), absent, elsewhere }
            let found: Found = name.withCString { wanted in
                var a = node.pointee.properties
                while let attr = a {
                    if attr.pointee.ns == nil, let attrName = attr.pointee.name, strcmp(UnsafeRawPointer(attrName).assumingMemoryBound(to: CChar.self), wanted) == 0 {
                        if let text = attr.pointee.children, text.pointee.next == nil, text.pointee.type == XML_TEXT_NODE,
                           let content = text.pointee.content {
                            return .value(String(cString: content))
                        }
                        return .elsewhere
                    }
                    a = attr.pointee.next
                }
                return .absent
            }
            switch found {
            case .value(let v): return v
            case .absent: return nil
            case .elsewhere: break
            }
        }
        guard let v = xmlGetNoNsProp(node, name) else { return nil }
        defer { cs_xml_free(v) }
        return String(cString: v)
    }

    func attribute(_ name: String, namespace: String) -> String? {
        guard let v = xmlGetNsProp(node, name, namespace) else { return nil }
        defer { cs_xml_free(v) }
        return String(cString: v)
    }

    /// The base URI in effect for this element: `xml:base` on it or its ancestors, resolved against the document URL.
    var baseURL: String? {
        guard let b = xmlNodeGetBase(node.pointee.doc, node) else { return nil }
        defer { cs_xml_free(b) }
        return String(cString: b)
    }

    var children: [XMLElement] {
        var out: [XMLElement] = []
        var c = node.pointee.children
        while let n = c {
            if n.pointee.type == XML_ELEMENT_NODE { out.append(XMLElement(node: n)) }
            c = n.pointee.next
        }
        return out
    }

    var hasElementChildren: Bool {
        var c = node.pointee.children
        while let n = c {
            if n.pointee.type == XML_ELEMENT_NODE { return true }
            c = n.pointee.next
        }
        return false
    }

    /// All text inside the element, entities expanded within `budget` bytes.
    func text(budget: inout Int) throws(ItemTextBudgetExceeded) -> String {
        // Most elements hold one text node: its bytes become the String without a copy in between.
        if let only = node.pointee.children, only.pointee.next == nil,
           only.pointee.type == XML_TEXT_NODE || only.pointee.type == XML_CDATA_SECTION_NODE, let content = only.pointee.content {
            let len = Int(strlen(content))
            budget -= len
            if budget < 0 { throw ItemTextBudgetExceeded(element: qualifiedName) }
            return String(decoding: UnsafeBufferPointer(start: content, count: len), as: UTF8.self)
        }
        var out: [UInt8] = []
        do {
            try Self.collectText(node.pointee.children, doc: node.pointee.doc, into: &out, budget: &budget, depth: 0)
        } catch {
            throw ItemTextBudgetExceeded(element: error.element.isEmpty ? qualifiedName : error.element, throughEntities: error.throughEntities)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func collectText(_ first: UnsafeMutablePointer<xmlNode>?, doc: UnsafeMutablePointer<xmlDoc>?,
                                    into out: inout [UInt8], budget: inout Int, depth: Int) throws(ItemTextBudgetExceeded) {
        var c = first
        while let n = c {
            switch n.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = n.pointee.content {
                    let len = Int(strlen(content))
                    budget -= len
                    if budget < 0 { throw ItemTextBudgetExceeded(throughEntities: depth > 0) }
                    out.append(contentsOf: UnsafeBufferPointer(start: content, count: len))
                }
            case XML_ELEMENT_NODE:
                try collectText(n.pointee.children, doc: doc, into: &out, budget: &budget, depth: depth)
            case XML_ENTITY_REF_NODE:
                if depth > 40 { throw ItemTextBudgetExceeded(throughEntities: true) }
                if let name = n.pointee.name, let entity = xmlGetDocEntity(doc, name) {
                    if let children = entity.pointee.children {
                        try collectText(children, doc: doc, into: &out, budget: &budget, depth: depth + 1)
                    } else if let content = entity.pointee.content {
                        let len = Int(strlen(content))
                        budget -= len
                        if budget < 0 { throw ItemTextBudgetExceeded(throughEntities: true) }
                        out.append(contentsOf: UnsafeBufferPointer(start: content, count: len))
                    }
                } else if let name = n.pointee.name, let desc = htmlEntityLookup(name) {
                    out.append(contentsOf: Array(String(Unicode.Scalar(desc.pointee.value).map(Character.init) ?? " ").utf8))
                }
            default:
                break
            }
            c = n.pointee.next
        }
    }

    /// The text nodes directly inside the element, without those of its child elements.
    func ownText(budget: inout Int) throws(ItemTextBudgetExceeded) -> String {
        var out: [UInt8] = []
        var c = node.pointee.children
        while let n = c {
            if n.pointee.type == XML_TEXT_NODE || n.pointee.type == XML_CDATA_SECTION_NODE, let content = n.pointee.content {
                let len = Int(strlen(content))
                budget -= len
                if budget < 0 { throw ItemTextBudgetExceeded(element: qualifiedName) }
                out.append(contentsOf: UnsafeBufferPointer(start: content, count: len))
            }
            c = n.pointee.next
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// An element meant to hold escaped HTML: its text, or, when a feed put the markup in unescaped
    /// (`<description>line<br/>next</description>`), that markup serialized.
    func htmlText(budget: inout Int) throws(ItemTextBudgetExceeded) -> String {
        hasElementChildren ? innerXML : try text(budget: &budget)
    }

    /// The markup inside the element (Atom xhtml content), serialized by libxml2.
    var innerXML: String {
        guard let buffer = xmlBufferCreate() else { return "" }
        defer { xmlBufferFree(buffer) }
        var c = node.pointee.children
        while let n = c {
            xmlNodeDump(buffer, node.pointee.doc, n, 0, 0)
            c = n.pointee.next
        }
        guard let content = xmlBufferContent(buffer) else { return "" }
        return String(cString: content)
    }

    /// The element as an `extensions` value: its text when it has neither attributes nor child elements,
    /// else an object of `@attribute`s, child elements by name (repeated ones as arrays) and `#text`.
    func extensionValue(budget: inout Int) throws(ItemTextBudgetExceeded) -> JSON {
        let attributes = node.pointee.properties
        if attributes == nil && !hasElementChildren { return .string(try text(budget: &budget)) }
        let o = JSON.object()
        var a = attributes
        while let attr = a {
            let name = (attr.pointee.ns?.pointee.prefix.map { String(cString: $0) + ":" } ?? "")
                + (attr.pointee.name.map { String(cString: $0) } ?? "")
            if let v = xmlNodeListGetString(node.pointee.doc, attr.pointee.children, 1) {
                o.set("@" + name, .string(String(cString: v)))
                cs_xml_free(v)
            }
            a = attr.pointee.next
        }
        var ownText: [UInt8] = []
        var c = node.pointee.children
        while let n = c {
            if n.pointee.type == XML_ELEMENT_NODE {
                let child = XMLElement(node: n)
                ExtensionBag.add(child.qualifiedName, try child.extensionValue(budget: &budget), to: o)
            } else if n.pointee.type == XML_TEXT_NODE || n.pointee.type == XML_CDATA_SECTION_NODE, let content = n.pointee.content {
                ownText.append(contentsOf: UnsafeBufferPointer(start: content, count: Int(strlen(content))))
            }
            c = n.pointee.next
        }
        let text = String(decoding: ownText, as: UTF8.self)
        if !text.trimmingSpaces.isEmpty { o.set("#text", .string(text)) }
        return o
    }
}

/// Adds values under a key, turning a repeated key into an array in document order. Element values are
/// strings or objects, so an array under a key can only be one made here.
enum ExtensionBag {
    static func add(_ key: String, _ value: JSON, to object: JSON) {
        guard let existing = object[key] else { object.set(key, value); return }
        if existing.kind == .array {
            existing.append(value)
        } else {
            let list = JSON.array()
            list.append(existing)
            list.append(value)
            object.set(key, list)
        }
    }
}
