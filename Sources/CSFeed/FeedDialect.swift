/// Which feed format a document is, from its root element (and, for RDF, the channel's namespace).
struct FeedDialect {
    /// `cdf`: Microsoft's Channel Definition Format (1997), `<CHANNEL>` of `<ITEM HREF=...>`s.
    enum Family { case rss, atom, cdf }
    let family: Family
    /// `source.format`: "rss-2.0", "rss-1.0", "rss-0.90", "rss-0.91", "atom-1.0", "atom-0.3", "cdf".
    let format: String
    /// The element that holds one item.
    var itemName: String {
        switch family {
        case .rss: return "item"
        case .atom: return "entry"
        case .cdf: return "ITEM"
        }
    }

    /// Whether an element of this local name is an item: also an `<item>` in an Atom feed, which
    /// feedparser reads as an entry (drafts and hand-made feeds write it). CDF names are matched in any case.
    func isItem(_ localName: String) -> Bool {
        switch family {
        case .rss: return localName == "item"
        case .atom: return localName == "entry" || localName == "item"
        case .cdf: return Self.isCDF(localName, "item")
        }
    }

    /// Whether a CDF element is a (sub)channel: its items are read at any depth.
    func isChannel(_ localName: String) -> Bool {
        family == .cdf ? Self.isCDF(localName, "channel") : localName == "channel"
    }

    /// A CDF element name compared with a lower-case one: CDF documents write them upper case
    /// (`<ITEM>`, `<ABSTRACT>`), some in mixed case; feedparser reads them in any case.
    static func isCDF(_ written: String, _ lower: String) -> Bool {
        written.utf8.count == lower.utf8.count && (written == lower || written.lowercased() == lower)
    }

    static func detect(root: String, namespace: String?, version: String?) -> FeedDialect? {
        if namespace == nil, isCDF(root, "channel") { return FeedDialect(family: .cdf, format: "cdf") }
        switch root {
        case "rss":
            let v = version?.trimmingSpaces ?? ""
            let known = ["0.91", "0.92", "0.93", "0.94", "2.0", "2.0.1", "2.01"]
            let format = known.contains(v) ? (v.hasPrefix("2") ? "rss-2.0" : "rss-" + v) : "rss-2.0"
            return FeedDialect(family: .rss, format: format)
        case "RDF" where namespace == XMLNamespace.rdf || namespace == nil:
            return FeedDialect(family: .rss, format: "rss-1.0")
        case "feed":
            if namespace == XMLNamespace.atom03 || version?.trimmingSpaces == "0.3" {
                return FeedDialect(family: .atom, format: "atom-0.3")
            }
            if namespace == XMLNamespace.atom10 || namespace == nil {
                return FeedDialect(family: .atom, format: "atom-1.0")
            }
            return nil
        default:
            return nil
        }
    }

    /// The error for a root element that is no feed cs reads: UNIMPLEMENTED, naming the format, for a
    /// known legacy or neighbouring format; INVALID_ARGUMENT for anything else.
    static func unsupported(root: String, namespace: String?) -> FeedError {
        let written = "<\(root)>" + (namespace.map { " in namespace \($0)" } ?? "")
        if let format = legacyFormat(root: root, namespace: namespace) {
            return FeedError(.unimplemented, "\(format) is not supported (the root element is \(written))")
        }
        return FeedError(.invalidArgument, "not a feed: the root element is \(written)")
    }

    /// Formats that feed readers met before RSS 2.0 and Atom settled, or that come with feeds (CDF, the
    /// one such format with items, is read: CDFItemMapper).
    private static func legacyFormat(root: String, namespace: String?) -> String? {
        switch root {
        case "opml", "OPML": return "OPML (a list of feeds, not a feed: give the feeds it lists to cs-fetch)"
        case "scriptingNews": return "scriptingNews (UserLand's format before RSS)"
        case "feed" where atomDraftNamespaces.contains(namespace ?? ""): return "a draft of Atom older than 0.3 (Echo, Pie)"
        default: return nil
        }
    }

    /// The namespaces of Atom's drafts before 0.3, as feeds published them.
    private static let atomDraftNamespaces: Set<String> = [
        "http://purl.org/echo/", "http://purl.org/pie/", "http://example.com/necho", "http://example.com/newformat#",
        "uri/of/echo/namespace#",
    ]

    /// RSS 0.90 is RDF with Netscape's namespace on the channel.
    static func refine(_ d: FeedDialect, channelNamespace: String?) -> FeedDialect? {
        guard d.format == "rss-1.0", channelNamespace == XMLNamespace.rss090 else { return nil }
        return FeedDialect(family: .rss, format: "rss-0.90")
    }
}
