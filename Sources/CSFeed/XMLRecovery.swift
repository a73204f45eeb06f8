internal import CLibXML2
import CSCore

/// The fallback for documents the streaming reader gives up on (it stops at the first well-formedness
/// error): libxml2's recovering tree parser reads the whole document, and the items the stream had not
/// reached are emitted from the tree. A document that simply ends early keeps the items before the break;
/// the item cut off is not emitted, and DATA_LOSS is reported.
enum XMLRecovery {
    static func recover(_ document: UnsafeRawBufferPointer, encoding: String?, source: FeedSource, session: FeedSession?,
                        streamError: XMLErrorLog.Entry?, report: (FeedIssue) -> Void, emit: (AdvisoryRecord) -> Void) throws(FeedError) {
        let errors = XMLErrorLog()
        xmlSetStructuredErrorFunc(Unmanaged.passUnretained(errors).toOpaque()) { ctx, error in
            guard let ctx, let error else { return }
            Unmanaged<XMLErrorLog>.fromOpaque(ctx).takeUnretainedValue().record(error.pointee)
        }
        let doc = xmlReadMemory(document.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(clamping: document.count),
                                source.url, encoding, XMLFeedReader.parserOptions(encoding: encoding))
        xmlSetStructuredErrorFunc(nil, nil)
        defer { if let doc { xmlFreeDoc(doc) } }
        // An entity expansion past libxml2's limits halts the parser: the items before it are in the tree
        // and are emitted below, the one it halted in is not, and the expansion is thrown at the end.
        let halted = errors.entityLoop
        // Whether the bytes end inside the document, whatever libxml2 made of the cut.
        let end = XMLDocumentEnd.classify(document)
        let brokenOff: Bool
        switch end {
        case .beforeRoot, .insideRoot: brokenOff = true
        case .complete, .unknown: brokenOff = false
        }

        guard let doc, let rootNode = xmlDocGetRootElement(doc), end != .beforeRoot || session != nil else {
            if halted { throw XMLFeedReader.entityError(errors, emitted: session?.emitted ?? 0) }
            if let session {
                report(FeedIssue(level: .error, code: .dataLoss, message: "document broken off"
                                 + (streamError.map { " at line \($0.line): \($0.message)" } ?? "")
                                 + "; \(session.emitted) item\(session.emitted == 1 ? "" : "s") before the break emitted"))
                return
            }
            if brokenOff {
                throw FeedError(.dataLoss, "document broken off before any item could be read"
                                + ((errors.firstFatal ?? streamError).map { " (line \($0.line): \($0.message))" } ?? ""))
            }
            throw FeedError(.invalidArgument, "not a feed: "
                            + ((errors.firstFatal ?? streamError).map { "XML error at line \($0.line): \($0.message)" } ?? "no root element"))
        }
        let root = XMLElement(node: rootNode)
        let s: FeedSession
        if let session { s = session } else {
            guard let dialect = FeedDialect.detect(root: root.localName, namespace: root.namespace, version: root.attribute("version")) else {
                if halted { throw XMLFeedReader.entityError(errors, emitted: 0) }
                throw FeedDialect.unsupported(root: root.localName, namespace: root.namespace)
            }
            s = FeedSession(dialect: dialect, source: source)
            s.rootElement(root)
        }
        let alreadySeen = s.index
        let emittedByStream = s.emitted

        // Items in document order. After a mismatched end tag libxml2 may nest the following items inside
        // an earlier one, so they are looked for at any depth.
        var items: [XMLElement] = []
        func collectItems(_ e: XMLElement) {
            for c in e.children {
                if s.dialect.isItem(c.localName) { items.append(c) }
                collectItems(c)
            }
        }
        for child in root.children {
            if s.dialect.isChannel(child.localName) {
                if s.dialect.family == .rss, let refined = FeedDialect.refine(s.dialect, channelNamespace: child.namespace) {
                    s.setDialect(refined)
                }
                if session == nil {
                    for grandchild in child.children where !s.dialect.isItem(grandchild.localName) { s.feedElement(grandchild) }
                }
            } else if session == nil, !s.dialect.isItem(child.localName) {
                s.feedElement(child)
            }
        }
        collectItems(root)
        var cutOff = false
        if let last = items.last, isCutOff(last, root: root, unfinished: errors.unfinished)
            || brokenOff && XMLDocumentEnd.lastIsOpen(document, localName: s.dialect.itemName)
            || halted && isOpen(last, root: root) {
            items.removeLast()   // cut off mid-item: not a whole item
            cutOff = true
        }
        for item in items.dropFirst(alreadySeen) { s.item(item, report: report, emit: emit) }

        if halted { throw XMLFeedReader.entityError(errors, emitted: s.emitted) }
        let fromTree = s.emitted - emittedByStream
        let first = errors.firstFatal ?? streamError
        let whereText = first.map { " at line \($0.line): \($0.message)" } ?? ""
        if cutOff || errors.firstFatalIsTruncation || brokenOff {
            report(FeedIssue(level: .error, code: .dataLoss,
                             message: "document broken off\(whereText); \(s.emitted) item\(s.emitted == 1 ? "" : "s") before the break emitted"
                                + (cutOff ? ", the item cut off is lost" : "")))
        } else {
            report(FeedIssue(level: .warning, code: .invalidArgument,
                             message: "malformed XML\(whereText); recovered, \(fromTree) item\(fromTree == 1 ? "" : "s") read after the error"))
        }
    }

    /// True when `item` is on the tree's rightmost path: it was still open when the parser halted.
    static func isOpen(_ item: XMLElement, root: XMLElement) -> Bool {
        var node: XMLElement? = root
        while let n = node {
            if n.node == item.node { return true }
            node = n.children.last
        }
        return false
    }

    /// True when the document ended inside `item`: the elements open at the end of the document form the
    /// rightmost path of the tree, and one of those at or below the item is reported unfinished.
    static func isCutOff(_ item: XMLElement, root: XMLElement, unfinished: [String]) -> Bool {
        guard !unfinished.isEmpty else { return false }
        var node: XMLElement? = root
        var atOrBelowItem = false
        while let n = node {
            if n.node == item.node { atOrBelowItem = true }
            if atOrBelowItem, unfinished.contains(n.localName) { return true }
            node = n.children.last
        }
        return false
    }
}
