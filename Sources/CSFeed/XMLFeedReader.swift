#if canImport(Glibc)
import Glibc
#endif
internal import CLibXML2
import CSCore

/// RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and CDF through libxml2's streaming reader. Each item is expanded into a
/// small subtree, turned into a record, emitted, and left behind (the reader frees it), so memory does
/// not grow with the number of items and the first record leaves before the document is read.
///
/// Parser flags: recovery on, no network, CDATA merged into text. Never XML_PARSE_NOENT or
/// XML_PARSE_DTDLOAD: external entities and DTDs are not loaded, and entity text is expanded only by
/// cs, within a per-item budget, on top of libxml2's own entity-amplification checks.
enum XMLFeedReader {
    /// Bytes of text one item may hold, entities expanded: an item over it is reported (RESOURCE_EXHAUSTED,
    /// with its line) and skipped. Building a record takes a few times its text (the HTML, its text, the
    /// JSON), on each of two threads, so this bounds memory; libxml2 already refuses one text node of
    /// more than 10 MB, so no item of real fields is near it.
    static let itemTextBudget = 16 << 20

    static func parse(_ document: UnsafeRawBufferPointer, source: FeedSource,
                      report: (FeedIssue) -> Void, emit: (AdvisoryRecord) -> Void) throws(FeedError) {
        let head = UnsafeRawBufferPointer(rebasing: document.prefix(512))
        if let bigEndian = UTF32.detect(head) {
            let utf8 = UTF32.toUTF8(document, bigEndian: bigEndian)
            let result: Result<Void, FeedError> = utf8.withUnsafeBytes { converted in
                Result { () throws(FeedError) in
                    // The declaration still names UTF-32; the bytes are UTF-8 now.
                    try read(XMLInput(memory: converted, utf8: true), encoding: "UTF-8", source: source, report: report, emit: emit)
                }
            }
            try result.get()
            return
        }
        let decoding = Decoding(head: head, contentType: source.contentType)
        let input = XMLInput(memory: document, utf8: decoding.repairsAsUTF8, transcoder: decoding.transcoder)
        try read(input, encoding: decoding.encoding, source: source, report: report, emit: emit)
    }

    /// A document on a descriptor, of which `prefix` was already read: it streams through libxml2 as it
    /// arrives, so the first records leave before the document ends.
    static func parse(descriptor fd: Int32, prefix: [UInt8], source: FeedSource,
                      report: (FeedIssue) -> Void, emit: (AdvisoryRecord) -> Void) throws(FeedError) {
        if prefix.withUnsafeBytes({ UTF32.detect($0) }) != nil {
            let whole = UTF32.readRest(fd, after: prefix)
            let result: Result<Void, FeedError> = whole.withUnsafeBytes { doc in
                Result { () throws(FeedError) in try parse(doc, source: source, report: report, emit: emit) }
            }
            try result.get()
            return
        }
        let decoding = prefix.withUnsafeBytes { Decoding(head: $0, contentType: source.contentType) }
        let input = XMLInput(descriptor: fd, prefix: prefix, utf8: decoding.repairsAsUTF8, transcoder: decoding.transcoder)
        try read(input, encoding: decoding.encoding, source: source, report: report, emit: emit)
    }

    /// How a document's bytes reach libxml2, decided from its first bytes and the HTTP charset.
    private struct Decoding {
        /// The encoding to name to libxml2; nil lets it go by the byte-order mark and the declaration.
        let encoding: String?
        /// How the repair pass reads the bytes: as UTF-8 (checked), as a single-byte encoding (only
        /// markup repaired), or not at all (nil: UTF-16/32).
        let repairsAsUTF8: Bool?
        /// Converts a legacy encoding to UTF-8 first (so a byte it does not define costs one U+FFFD,
        /// not the rest of the document).
        let transcoder: Transcoder?

        init(head: UnsafeRawBufferPointer, contentType: String?) {
            let override = XMLRepair.encodingOverride(head, contentType: contentType)
            if XMLRepair.isWide(head) {
                (encoding, repairsAsUTF8, transcoder) = (override, nil, nil)
                return
            }
            // A UTF-8 byte-order mark outweighs any name, the declaration's and the HTTP charset's (the XML
            // and WHATWG rules): libxml2 is told UTF-8 and to ignore the declaration, which it would
            // otherwise follow and decode the UTF-8 bytes a second time (mojibake).
            if XMLRepair.hasBOM(head) {
                (encoding, repairsAsUTF8, transcoder) = ("UTF-8", true, nil)
                return
            }
            let named = override ?? XMLRepair.declaredEncoding(head)
            if let named, Transcoder.applies(to: named), let converter = Transcoder(from: named) {
                // The declaration still names the legacy encoding; the bytes libxml2 gets are UTF-8.
                (encoding, repairsAsUTF8, transcoder) = ("UTF-8", true, converter)
            } else if let named, Charset.isASCII(named) {
                (encoding, repairsAsUTF8, transcoder) = ("UTF-8", true, nil)
            } else {
                (encoding, repairsAsUTF8, transcoder) = (override, Charset.isUTF8(named), nil)
            }
        }
    }

    private static func reportRepairs(_ input: XMLInput, report: (FeedIssue) -> Void) {
        if let transcoder = input.transcoder, transcoder.replaced > 0 {
            let n = transcoder.replaced
            report(FeedIssue(level: .warning, code: .dataLoss,
                             message: "\(n) byte\(n == 1 ? "" : "s") not valid in \(transcoder.encoding) replaced by U+FFFD"))
        }
        guard let repair = input.repair else { return }
        if repair.repairedUTF8 > 0 {
            report(FeedIssue(level: .warning, code: .dataLoss,
                             message: "\(repair.repairedUTF8) invalid UTF-8 byte\(repair.repairedUTF8 == 1 ? "" : "s") replaced by U+FFFD"))
        }
        if repair.removedControls > 0 {
            report(FeedIssue(level: .warning, code: .invalidArgument,
                             message: "\(repair.removedControls) control character\(repair.removedControls == 1 ? "" : "s") not allowed in XML removed"))
        }
        if repair.closedVoidElements > 0 {
            report(FeedIssue(level: .info, code: .invalidArgument,
                             message: "\(repair.closedVoidElements) unclosed HTML element\(repair.closedVoidElements == 1 ? "" : "s") such as <br> closed"))
        }
        if repair.escapedAmpersands > 0 {
            report(FeedIssue(level: .info, code: .invalidArgument,
                             message: "\(repair.escapedAmpersands) bare '&' read as text"))
        }
    }

    private static func read(_ input: XMLInput, encoding: String?, source: FeedSource,
                             report: (FeedIssue) -> Void, emit: (AdvisoryRecord) -> Void) throws(FeedError) {
        _ = libxml2Initialized
        cs_xml_silence_generic_errors()
        let options = parserOptions(encoding: encoding)
        let inputContext = Unmanaged.passUnretained(input).toOpaque()
        guard let reader = xmlReaderForIO({ ctx, buffer, len in
            guard let ctx, let buffer else { return -1 }
            return Unmanaged<XMLInput>.fromOpaque(ctx).takeUnretainedValue().read(into: buffer, count: Int(len))
        }, nil, inputContext, source.url, encoding, options)
        else { throw FeedError(.invalidArgument, "libxml2 could not start reading the document") }
        defer { xmlFreeTextReader(reader) }
        defer { reportRepairs(input, report: report) }
        let errors = XMLErrorLog()
        let context = Unmanaged.passUnretained(errors).toOpaque()
        xmlTextReaderSetStructuredErrorHandler(reader, { ctx, error in
            guard let ctx, let error else { return }
            Unmanaged<XMLErrorLog>.fromOpaque(ctx).takeUnretainedValue().record(error.pointee)
        }, context)

        // Records are built on a second thread when there is a second core; either way they leave in order.
        let streamed: (FeedSession?, Int32) = try RecordPipeline.with(report: report, emit: emit) { (pipeline) throws(FeedError) in
            try stream(reader, errors: errors, source: source) { s, item in
                if let pipeline { s.item(item, pipeline: pipeline) } else { s.item(item, report: report, emit: emit) }
            }
        }
        let (session, status) = streamed

        if errors.entityLoop {
            // libxml2 parses ahead of the node the reader is on, so the expansion stops the stream with
            // complete items before it still unread. The tree parser reads the document again up to the same
            // point; those items are emitted from the tree, and the expansion is reported (it throws).
            guard let whole = input.wholeDocument() else { throw entityError(errors, emitted: session?.emitted ?? 0) }
            try recover(whole, input: input, encoding: encoding, source: source, session: session, errors: errors,
                        report: report, emit: emit)
            return
        }
        if let line = errors.hugeTextLine {
            // One text longer than libxml2 holds (10 MB): the stream cannot go past it, and reading the
            // whole document again to recover would hold all of it (gigabytes for a gigabyte description).
            let n = session?.emitted ?? 0
            throw FeedError(.resourceExhausted, "a text longer than 10 MB (libxml2's limit for one text) reaches line \(line);"
                            + " the item it is in and the rest of the document are skipped; \(n) item\(n == 1 ? "" : "s") before it emitted")
        }
        if input.readError != 0 {
            throw FeedError(.dataLoss, "read failed: \(String(cString: strerror(input.readError))); \(session?.emitted ?? 0) items emitted before it")
        }
        if status < 0, errors.truncated, let s = session {
            // The document simply ends early: every complete item has been emitted already.
            let detail = errors.lastFatal.map { " at line \($0.line): \($0.message)" } ?? ""
            report(FeedIssue(level: .error, code: .dataLoss,
                             message: "document broken off\(detail); \(s.emitted) item\(s.emitted == 1 ? "" : "s") before the break emitted"))
            return
        }
        if status < 0 {
            // libxml2's streaming reader stops at the first well-formedness error. Read the document again
            // with the recovering tree parser and emit the items the stream did not reach.
            guard let whole = input.wholeDocument() else {
                let s = session?.emitted ?? 0
                report(FeedIssue(level: .error, code: .dataLoss, message: "malformed XML"
                                 + (errors.lastFatal.map { " at line \($0.line): \($0.message)" } ?? "")
                                 + "; \(s) item\(s == 1 ? "" : "s") before it emitted; the input cannot be read again to recover the rest"))
                return
            }
            try recover(whole, input: input, encoding: encoding, source: source, session: session, errors: errors,
                        report: report, emit: emit)
            return
        }
        guard session != nil else {
            throw FeedError(.invalidArgument, errors.first.map { "not a feed: XML error at line \($0.line): \($0.message)" }
                            ?? "not a feed: no root element")
        }
        if errors.fatalCount > 0, let first = errors.firstFatal {
            report(FeedIssue(level: .warning, code: .invalidArgument,
                             message: "recovered from \(errors.fatalCount) XML error\(errors.fatalCount == 1 ? "" : "s"); first at line \(first.line): \(first.message)"))
        }
    }

    /// Reads the whole document again with the recovering tree parser (XMLRecovery), after the same
    /// repair as the stream's (wholeDocument() is converted to UTF-8 if the stream was).
    private static func recover(_ whole: [UInt8], input: XMLInput, encoding: String?, source: FeedSource, session: FeedSession?,
                                errors: XMLErrorLog, report: (FeedIssue) -> Void, emit: (AdvisoryRecord) -> Void) throws(FeedError) {
        let utf8 = input.repair?.utf8
        let repaired = utf8.flatMap { flag in whole.withUnsafeBytes { XMLRepair.repairAll($0, utf8: flag).bytes } }
        let result: Result<Void, FeedError> = (repaired ?? whole).withUnsafeBytes { doc in
            Result { () throws(FeedError) in
                try XMLRecovery.recover(doc, encoding: encoding, source: source, session: session,
                                        streamError: errors.lastFatal, report: report, emit: emit)
            }
        }
        try result.get()
    }

    /// Reads the document with the streaming reader: the root says what it is, feed-level elements go to
    /// the session, each item to `onItem`. Returns the session (nil when no root was read) and the reader's
    /// last status (-1 when it stopped at an error).
    private static func stream(_ reader: xmlTextReaderPtr, errors: XMLErrorLog, source: FeedSource,
                               onItem: (FeedSession, XMLElement) -> Void) throws(FeedError) -> (FeedSession?, Int32) {
        var session: FeedSession?
        var status = xmlTextReaderRead(reader)
        while status == 1 {
            if errors.entityLoop { break }
            guard xmlTextReaderNodeType(reader) == Int32(XML_READER_TYPE_ELEMENT.rawValue) else {
                status = xmlTextReaderRead(reader)
                continue
            }
            let depth = xmlTextReaderDepth(reader)
            let local = String(cString: xmlTextReaderConstLocalName(reader))
            let ns = xmlTextReaderConstNamespaceUri(reader).map { String(cString: $0) }
            guard let s = session else {
                // The root element says what the document is.
                guard let dialect = FeedDialect.detect(root: local, namespace: ns, version: attribute(reader, "version")) else {
                    throw FeedDialect.unsupported(root: local, namespace: ns)
                }
                let started = FeedSession(dialect: dialect, source: source)
                if dialect.family == .cdf, let root = xmlTextReaderCurrentNode(reader) { started.rootElement(XMLElement(node: root)) }
                session = started
                status = xmlTextReaderRead(reader)
                continue
            }
            // CDF channels nest (a channel of sub-channels): their items are read at any depth.
            let nests = s.dialect.family == .cdf
            let isItem = s.dialect.isItem(local) && (nests || depth == 1 || depth == 2)
            let isContainer = s.dialect.isChannel(local) && (nests || depth == 1)
            if isContainer {
                if s.dialect.family == .rss, let refined = FeedDialect.refine(s.dialect, channelNamespace: ns) {
                    s.setDialect(refined)
                }
                status = xmlTextReaderRead(reader)
                continue
            }
            // Depth-1 elements other than the channel, and depth-2 elements (only reached inside the channel,
            // since every other depth-1 element is skipped whole), are items or feed-level elements.
            if isItem || depth == 1 || depth == 2 {
                // Expand this element into a subtree (one item, or one feed-level element), use it, skip past it.
                guard let node = xmlTextReaderExpand(reader) else { status = -1; break }
                if isItem {
                    onItem(s, XMLElement(node: node))
                } else {
                    s.feedElement(XMLElement(node: node))
                }
                status = xmlTextReaderNext(reader)
                continue
            }
            status = xmlTextReaderRead(reader)
        }

        return (session, status)
    }

    static func entityError(_ errors: XMLErrorLog, emitted: Int) -> FeedError {
        FeedError(.resourceExhausted, "entity expansion limit exceeded at line \(errors.entityLoopLine)"
                  + " (recursive or exponentially growing entities, e.g. a billion-laughs document); \(emitted) items emitted before it")
    }

    /// The options for a document in `encoding`. When cs names UTF-8 itself (the bytes were converted
    /// from a legacy encoding, UTF-32 or US-ASCII), the declaration's name is stale and is ignored.
    static func parserOptions(encoding: String?) -> Int32 {
        encoding == "UTF-8" ? baseParserOptions | Int32(XML_PARSE_IGNORE_ENC.rawValue) : baseParserOptions
    }

    private static let baseParserOptions = Int32(XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue
                                     | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOERROR.rawValue)

    private static func attribute(_ reader: xmlTextReaderPtr, _ name: String) -> String? {
        guard let v = xmlTextReaderGetAttribute(reader, name) else { return nil }
        defer { cs_xml_free(v) }
        return String(cString: v)
    }
}

/// libxml2 is initialized once, explicitly: its lazy initialization is not thread-safe, and callers of
/// this library may parse documents on more than one thread.
let libxml2Initialized: Void = xmlInitParser()
