internal import CLibXML2

/// libxml2's HTML parser, driven through its event (SAX) interface: no tree is built for an item's
/// HTML, the events go straight to an HTMLTextCollector. The parser context is kept for all the items
/// of one document (one document is parsed on one thread, so each FeedContext owns one).
final class HTMLParser {
    private let context: htmlParserCtxtPtr?
    static let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                               | HTML_PARSE_NONET.rawValue | HTML_PARSE_NODEFDTD.rawValue)

    init() {
        context = htmlNewParserCtxt()
        guard let context, let sax = context.pointee.sax else { return }
        // Only the events cs needs; no document handlers, so libxml2 builds no tree. Whitespace that the
        // parser calls ignorable is left out, as its tree builder does.
        var handler = htmlSAXHandler()
        handler.startElement = { ctx, name, attributes in HTMLParser.collector(ctx)?.start(name, attributes: attributes) }
        handler.endElement = { ctx, name in HTMLParser.collector(ctx)?.end(name) }
        handler.characters = { ctx, chars, count in
            guard let chars, count > 0 else { return }
            HTMLParser.collector(ctx)?.characters(chars, count: Int(count))
        }
        handler.initialized = 1
        sax.pointee = handler
    }

    deinit { if let context { htmlFreeParserCtxt(context) } }

    /// The collector of the parse under way, from the context libxml2 passes to every event.
    private static func collector(_ ctx: UnsafeMutableRawPointer?) -> HTMLTextCollector? {
        guard let ctx, let current = ctx.assumingMemoryBound(to: htmlParserCtxt.self).pointee._private else { return nil }
        return Unmanaged<HTMLTextCollector>.fromOpaque(current).takeUnretainedValue()
    }

    /// Parses the fragment, sending its events to `collector`.
    func parse(_ html: String, into collector: HTMLTextCollector) {
        guard let context else { return }
        var html = html
        context.pointee._private = Unmanaged.passUnretained(collector).toOpaque()
        defer { context.pointee._private = nil }
        html.withUTF8 { buf in
            buf.withMemoryRebound(to: CChar.self) { chars in
                guard let base = chars.baseAddress else { return }
                // Events only: any document libxml2 still returns is freed at once.
                if let doc = htmlCtxtReadMemory(context, base, Int32(clamping: chars.count), nil, "UTF-8", Self.options) {
                    xmlFreeDoc(doc)
                }
            }
        }
    }
}
