import CSCore

/// What the whole document says about itself: the `source` object of every record, and the feed-level
/// authors that items without their own inherit (JSON Feed and Atom say so).
final class FeedContext {
    var format: String
    var feedURL: String?
    var feedTitle: String?
    var homePageURL: String?
    let fetchedAt: String?
    let documentURL: String?
    var authors: [Author] = []
    /// Shared by the items of this document.
    let htmlParser = HTMLParser()

    init(format: String, source: FeedSource) {
        self.format = format
        fetchedAt = source.fetchedAt
        documentURL = source.url
    }

    /// What the records need of the feed right now, as values: items may be built on another thread
    /// while the document goes on being read.
    func snapshot() -> FeedSnapshot {
        FeedSnapshot(format: format, feedURL: feedURL, feedTitle: feedTitle, homePageURL: homePageURL,
                     fetchedAt: fetchedAt, documentURL: documentURL, authors: authors)
    }
}

/// The feed-level facts one record carries (see FeedContext.snapshot()).
struct FeedSnapshot {
    let format: String
    let feedURL: String?
    let feedTitle: String?
    let homePageURL: String?
    let fetchedAt: String?
    let documentURL: String?
    let authors: [Author]

    /// The feed URL that identifies the feed in `uid`: its own declaration, else where it came from.
    /// Preferring the declaration keeps uids equal whether the feed was fetched or read from a file.
    var identityURL: String { feedURL ?? documentURL ?? "" }

    func sourceJSON() -> JSON {
        let o = JSON.object()
        o.set("feed_url", string: feedURL ?? documentURL)
        o.set("feed_title", string: feedTitle)
        o.set("home_page_url", string: homePageURL)
        o.set("format", .string(format))
        o.set("fetched_at", string: fetchedAt)
        return o
    }
}

struct Author: Equatable {
    var name: String?
    var email: String?
    var url: String?

    var isEmpty: Bool { name == nil && email == nil && url == nil }

    func json() -> JSON {
        let o = JSON.object()
        o.set("name", string: name)
        o.set("email", string: email)
        o.set("url", string: url)
        return o
    }
}

/// One item as read from any format, before it becomes a cs.advisory/1 record. Dates are kept as the
/// feed wrote them (with the name of the field they came from) until `record()` normalizes them.
struct AdvisoryDraft {
    var index: Int
    var id: String?
    var title: String?
    var url: String?
    var summary: String?
    var contentHTML: String?
    /// Plain text the feed gave directly (JSON Feed content_text, Atom type="text"); used when there is no HTML.
    var contentText: String?
    var published: (field: String, text: String)?
    var modified: (field: String, text: String)?
    var authors: [Author] = []
    var tags: [String] = []
    var severities: [String] = []
    var type: String?
    var actors: [String] = []
    var cves: [String] = []
    var vendors: [String] = []
    var products: [String] = []
    var exploited: Bool?
    /// Everything the schema does not model, in document order.
    let extensions = JSON.object()
    /// Base for resolving relative links found inside the content.
    var baseURL: String?

    init(index: Int) { self.index = index }

    /// Builds the record, reporting what had to be repaired or dropped.
    func record(in feed: FeedSnapshot, parser: HTMLParser, report: (FeedIssue) -> Void) -> JSON {
        let title = self.title.map(Self.plainTitle).flatMap { $0.isEmpty ? nil : $0 }
        let url = self.url.map(\.trimmingSpaces).flatMap { $0.isEmpty ? nil : $0 }
        let published = date(self.published, report: report)
        let modified = date(self.modified, report: report)

        let id: String
        if let own = self.id?.trimmingSpaces, !own.isEmpty { id = own }
        else if let url { id = url }
        else {
            // No identity at all: derive one that is stable for the same title and date.
            id = SHA256.hex((title ?? "") + "\n" + (self.published?.text ?? self.modified?.text ?? ""))
        }

        let r = JSON.object()
        r.set("schema", .string(CSVersion.schema))
        r.set("id", .string(id))
        r.set("uid", .string(recordUID(feedURL: feed.identityURL, id: id)))
        r.set("title", string: title)
        r.set("url", string: url)
        r.set("summary", string: summary)
        // Plain-text content (JSON Feed content_text, Atom type="text") also gets its HTML form, escaped.
        let html = contentHTML.map { ContentLinks.resolve($0, base: baseURL ?? feed.documentURL) }
        r.set("content_html", string: html ?? contentText.map(HTMLEscape.escape))

        var sections = Sections()
        if let html, !html.isEmpty {
            let extracted = HTMLText.extract(html, parser: parser)
            r.set("content_text", .string(extracted.text))
            sections = extracted.sections
        } else {
            r.set("content_text", string: contentText)
        }
        r.set("published", string: published)
        r.set("modified", string: modified)

        let authorList = JSON.array()
        for a in (authors.isEmpty ? feed.authors : authors) where !a.isEmpty { authorList.append(a.json()) }
        r.set("authors", authorList)
        r.set("tags", .strings(Tag.canonicalSet(tags)))

        var levels: [Severity] = []
        for s in severities {
            if let level = Severity(parsing: s) {
                if !levels.contains(level) { levels.append(level) }
            } else {
                report(FeedIssue(level: .warning, code: .invalidArgument,
                                 message: "unknown severity \"\(s)\" ignored", item: index, id: id))
            }
        }
        levels.sort()
        r.set("severity", string: levels.last?.name)
        r.set("severities", .strings(levels.map(\.name)))
        r.set("type", string: type.map(\.trimmingSpaces).flatMap { $0.isEmpty ? nil : $0 })
        r.set("actors", .strings(Self.cleaned(actors)))
        r.set("cves", .strings(Self.cleaned(cves).map { $0.uppercased() }))
        r.set("vendors", .strings(Self.cleaned(vendors)))
        r.set("products", .strings(Self.cleaned(products)))
        r.set("exploited", exploited.map { JSON.bool($0) } ?? .null)
        r.set("sections", sections.json())
        r.set("source", feed.sourceJSON())
        r.set("extensions", extensions)
        return r
    }

    /// A date in RFC 3339 UTC, or nil. An unparseable date is kept verbatim under `extensions`
    /// (under the feed's own field name) with a warning.
    private func date(_ value: (field: String, text: String)?, report: (FeedIssue) -> Void) -> String? {
        guard let value else { return nil }
        let text = value.text.trimmingSpaces
        if text.isEmpty { return nil }
        if let seconds = FeedDate.parse(text) { return RFC3339.format(epochSeconds: seconds) }
        if extensions[value.field] == nil { extensions.set(value.field, .string(value.text)) }
        report(FeedIssue(level: .warning, code: .invalidArgument,
                         message: "unparseable date in \(value.field): \"\(text)\"; kept under extensions",
                         item: index, id: id ?? url))
        return nil
    }

    /// Titles are text. Markup in them (`Patch <b>now</b>`, `line<br>line`) is reduced to its text; a lone
    /// `<tag>` without an end tag is taken as text that mentions a tag (`XSS via <script>`).
    static func plainTitle(_ title: String) -> String {
        let u = title.utf8
        var hasMarkup = false
        var previous: UInt8 = 0
        for c in u {
            if previous == UInt8(ascii: "<"), c == UInt8(ascii: "/") || c == UInt8(ascii: "b") || c == UInt8(ascii: "B") {
                hasMarkup = true
                break
            }
            previous = c
        }
        if hasMarkup, title.contains("</") || title.lowercased().contains("<br") {
            return HTMLText.singleLine(title)
        }
        return title.trimmingSpaces
    }

    /// Trimmed, non-empty, without duplicates, in order.
    static func cleaned(_ values: [String]) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for v in values {
            let t = v.trimmingSpaces
            if !t.isEmpty, seen.insert(t).inserted { out.append(t) }
        }
        return out
    }
}
