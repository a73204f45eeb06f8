@testable import CSFeed
import CLibXML2

/// libxml2's HTML parser driven through its SAX interface into the same HTMLTextCollector: the way cs
/// read item HTML before HTMLParser, kept here as the reference HTMLParser is compared with
/// (HTMLParserDifferentialTests). Options as they were: RECOVER, NOERROR, NOWARNING, NONET, NODEFDTD.
final class LibXML2HTMLOracle {
    /// The collector of the parse under way, reached from libxml2's callbacks through ctxt->_private.
    final class Box { var collector = HTMLTextCollector() }
    private let context: htmlParserCtxtPtr?
    static let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                               | HTML_PARSE_NONET.rawValue | HTML_PARSE_NODEFDTD.rawValue)

    init() {
        context = htmlNewParserCtxt()
        guard let context, let sax = context.pointee.sax else { return }
        var handler = htmlSAXHandler()
        handler.startElement = { ctx, name, attributes in
            guard let name, let c = LibXML2HTMLOracle.box(ctx) else { return }
            c.collector.start(HTMLElementNameTable.shared.lookup(cString: name), id: LibXML2HTMLOracle.attribute("id", in: attributes))
        }
        handler.endElement = { ctx, name in
            guard let name, let c = LibXML2HTMLOracle.box(ctx) else { return }
            c.collector.end(HTMLElementNameTable.shared.lookup(cString: name))
        }
        handler.characters = { ctx, chars, count in
            guard let chars, count > 0 else { return }
            LibXML2HTMLOracle.box(ctx)?.collector.characters(chars, count: Int(count))
        }
        handler.initialized = 1
        sax.pointee = handler
    }

    deinit { if let context { htmlFreeParserCtxt(context) } }

    private static func box(_ ctx: UnsafeMutableRawPointer?) -> Box? {
        guard let ctx, let current = ctx.assumingMemoryBound(to: htmlParserCtxt.self).pointee._private else { return nil }
        return Unmanaged<Box>.fromOpaque(current).takeUnretainedValue()
    }

    private static func attribute(_ wanted: String, in attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?) -> String? {
        guard let attributes else { return nil }
        var k = 0
        while let name = attributes[k] {
            if String(cString: name) == wanted { return attributes[k + 1].map { String(cString: $0) } }
            k += 2
        }
        return nil
    }

    /// Text and sections as HTMLText.extract made them with libxml2.
    func extract(_ html: String) -> (text: String, sections: Sections) {
        let box = Box()
        if let context {
            var html = html
            context.pointee._private = Unmanaged.passUnretained(box).toOpaque()
            defer { context.pointee._private = nil }
            html.withUTF8 { buf in
                buf.withMemoryRebound(to: CChar.self) { chars in
                    guard let base = chars.baseAddress else { return }
                    if let doc = htmlCtxtReadMemory(context, base, Int32(clamping: chars.count), nil, "UTF-8", Self.options) {
                        xmlFreeDoc(doc)
                    }
                }
            }
        }
        box.collector.endSection()
        return (box.collector.text.text, box.collector.sections)
    }
}
