internal import CLibXML2

/// libxml2's HTML parser context, kept for all the items of one document: reusing it saves building
/// a context and a name dictionary for every item. One document is parsed on one thread, so each
/// FeedContext owns one.
final class HTMLParser {
    private let context: htmlParserCtxtPtr?
    static let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                               | HTML_PARSE_NONET.rawValue | HTML_PARSE_NODEFDTD.rawValue | HTML_PARSE_COMPACT.rawValue)

    init() { context = htmlNewParserCtxt() }
    deinit { if let context { htmlFreeParserCtxt(context) } }

    /// A document for the fragment; the caller frees it with xmlFreeDoc.
    func parse(_ html: String) -> htmlDocPtr? {
        var html = html
        return html.withUTF8 { buf in
            buf.withMemoryRebound(to: CChar.self) { chars in
                if let context {
                    return htmlCtxtReadMemory(context, chars.baseAddress, Int32(clamping: chars.count), nil, "UTF-8", Self.options)
                }
                return htmlReadMemory(chars.baseAddress, Int32(clamping: chars.count), nil, "UTF-8", Self.options)
            }
        }
    }
}
