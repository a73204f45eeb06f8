import CSCore

/// Where a feed document came from. Everything is optional: a file on disk has none of it.
public struct FeedSource: Sendable {
    /// Where the document came from (fetch URL, final URL); the base for relative links.
    public var url: String?
    /// HTTP Content-Type (its charset counts when the document has no byte-order mark).
    public var contentType: String?
    /// RFC 3339; goes to `source.fetched_at`.
    public var fetchedAt: String?
    /// The file the document was read from, as named: the feed's identity of last resort (see
    /// FeedSnapshot.identity), for a document that says nothing about itself and has no URL.
    public var path: String?

    public init(url: String? = nil, contentType: String? = nil, fetchedAt: String? = nil, path: String? = nil) {
        self.url = url
        self.contentType = contentType
        self.fetchedAt = fetchedAt
        self.path = path
    }
}

/// A problem found while parsing; the record concerned (if any) is still emitted.
public struct FeedIssue: Sendable {
    public var level: LogLevel
    public var code: StatusCode
    public var message: String
    /// 1-based item index in the document, when the issue concerns one item.
    public var item: Int?
    public var id: String?

    public init(level: LogLevel, code: StatusCode, message: String, item: Int? = nil, id: String? = nil) {
        self.level = level
        self.code = code
        self.message = message
        self.item = item
        self.id = id
    }

    /// The message with the item it concerns, for diagnostics.
    public var text: String { item.map { "item \($0): \(message)" } ?? message }
}

/// Nothing at all could be parsed: not a feed, an unsupported format, or a document that broke
/// before its first item.
public struct FeedError: Error, Sendable, CustomStringConvertible {
    public var code: StatusCode
    public var message: String
    public init(_ code: StatusCode, _ message: String) { self.code = code; self.message = message }
    public var description: String { message }
}

public enum FeedParser {
    /// Detects the format from content, parses, and calls `emit` with each cs.advisory/1 record as soon
    /// as it is complete. Throws only when nothing at all could be parsed (not a feed, unsupported); a
    /// truncated document emits the items before the break and reports a DATA_LOSS issue.
    public static func parse(_ document: UnsafeRawBufferPointer, source: FeedSource,
                             report: (FeedIssue) -> Void, emit: (AdvisoryRecord) -> Void) throws(FeedError) {
        switch DocumentKind.sniff(document) {
        case .json:
            try JSONFeedReader.parse(document, source: source, report: report, emit: emit)
        case .xml:
            try XMLFeedReader.parse(document, source: source, report: report, emit: emit)
        case .empty:
            throw FeedError(.invalidArgument, "empty document")
        case .unknown:
            throw FeedError(.invalidArgument, "not a feed: neither JSON nor XML")
        }
    }

    /// Convenience for byte arrays.
    public static func parse(_ document: [UInt8], source: FeedSource,
                             report: (FeedIssue) -> Void, emit: (AdvisoryRecord) -> Void) throws(FeedError) {
        let result: Result<Void, FeedError> = document.withUnsafeBytes { buf in
            Result { () throws(FeedError) in try parse(buf, source: source, report: report, emit: emit) }
        }
        try result.get()
    }
}

/// What a document looks like from its first meaningful bytes (after a BOM and whitespace).
enum DocumentKind {
    case json, xml, empty, unknown

    static func sniff(_ d: UnsafeRawBufferPointer) -> DocumentKind {
        var i = 0
        // UTF-16/32 byte-order marks or NUL-interleaved text can only be XML for us (JSON Feed is UTF-8).
        if d.count >= 2, (d[0] == 0xFE && d[1] == 0xFF) || (d[0] == 0xFF && d[1] == 0xFE) { return .xml }
        if d.count >= 4, d[0] == 0, d[1] == 0, d[2] == 0xFE, d[3] == 0xFF { return .xml }
        if d.count >= 2, (d[0] == 0 && d[1] == UInt8(ascii: "<")) || (d[0] == UInt8(ascii: "<") && d[1] == 0) { return .xml }
        if d.count >= 3, d[0] == 0xEF, d[1] == 0xBB, d[2] == 0xBF { i = 3 }
        while i < d.count, d[i] == 0x20 || d[i] == 0x09 || d[i] == 0x0A || d[i] == 0x0D { i += 1 }
        guard i < d.count else { return .empty }
        switch d[i] {
        case UInt8(ascii: "{"): return .json
        case UInt8(ascii: "<"): return .xml
        default: return .unknown
        }
    }
}
