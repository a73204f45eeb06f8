internal import CLibXML2

/// libxml2's errors while reading one document.
final class XMLErrorLog {
    struct Entry { let line: Int; let message: String; let code: Int32 }
    private(set) var first: Entry?
    private(set) var firstFatal: Entry?
    private(set) var lastFatal: Entry?
    private(set) var fatalCount = 0
    private(set) var truncated = false
    private(set) var entityLoop = false
    private(set) var entityLoopLine = 0
    /// libxml2 refused a text node longer than its limit (10,000,000 bytes), at this line.
    private(set) var hugeTextLine: Int?
    /// Elements still open when the document ended (truncation).
    private(set) var unfinished: [String] = []
    /// The first error says the document ended early (rather than that it is malformed).
    private(set) var firstFatalIsTruncation = false

    func record(_ e: xmlError) {
        var message = e.message.map { String(cString: $0) } ?? "XML error \(e.code)"
        while message.last == "\n" { message.removeLast() }
        let entry = Entry(line: Int(e.line), message: message, code: e.code)
        if first == nil { first = entry }
        guard e.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        fatalCount += 1
        if firstFatal == nil {
            firstFatal = entry
            let c = UInt32(e.code)
            firstFatalIsTruncation = c == XML_ERR_TAG_NOT_FINISHED.rawValue || c == XML_ERR_CDATA_NOT_FINISHED.rawValue
                || c == XML_ERR_COMMENT_NOT_FINISHED.rawValue || c == XML_ERR_DOCUMENT_END.rawValue && message.hasPrefix("Premature")
        }
        lastFatal = entry
        if hugeTextLine == nil, message.contains("huge text node") { hugeTextLine = entry.line }
        switch UInt32(e.code) {
        case XML_ERR_ENTITY_LOOP.rawValue:
            // libxml2 expands an entity's text with a parser of its own, which reports the loop first, at a
            // line of that text (1); the document's parser reports it last, at the line in the document.
            entityLoopLine = entry.line
            entityLoop = true
        case XML_ERR_DOCUMENT_END.rawValue where message.contains("Extra content"):
            break
        case XML_ERR_TAG_NOT_FINISHED.rawValue:
            truncated = true
            if let name = e.str1 { unfinished.append(String(cString: name)) }
        case XML_ERR_CDATA_NOT_FINISHED.rawValue, XML_ERR_COMMENT_NOT_FINISHED.rawValue:
            truncated = true
        default:
            if message.hasPrefix("Premature end") { truncated = true }
        }
    }
}
