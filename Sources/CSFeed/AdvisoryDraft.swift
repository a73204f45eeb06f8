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
    let documentPath: String?
    var authors: [Author] = []
    /// Shared by the items of this document.
    let htmlParser = HTMLParser()

    init(format: String, source: FeedSource) {
        self.format = format
        fetchedAt = source.fetchedAt
        documentURL = source.url
        documentPath = source.path
    }

    /// What the records need of the feed right now, as values: items may be built on another thread
    /// while the document goes on being read.
    func snapshot() -> FeedSnapshot {
        FeedSnapshot(format: format, feedURL: feedURL, feedTitle: feedTitle, homePageURL: homePageURL,
                     fetchedAt: fetchedAt, documentURL: documentURL, documentPath: documentPath,
                     authors: authors)
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
    let documentPath: String?
    let authors: [Author]

    /// What identifies the feed in `uid`: what the document says about itself first (its self link, its
    /// home page, its title), then where it came from (the URL it was fetched from, else the file's path).
    /// The document's own words come first so that a feed fetched by cs-fetch and the same document read
    /// from a file give the same uids; the path only counts for a document that names nothing.
    var identity: String {
        for candidate in [feedURL, homePageURL, feedTitle, documentURL, documentPath] {
            if let c = candidate?.trimmingSpaces, !c.isEmpty { return c }
        }
        return ""
    }

    /// The record's `source` object.
    func writeSource(to w: JSONBytesWriter) {
        w.beginObject()
        w.key("feed_url"); w.string(feedURL ?? documentURL)
        w.key("feed_title"); w.string(feedTitle)
        w.key("home_page_url"); w.string(homePageURL)
        w.key("format"); w.string(format)
        w.key("fetched_at"); w.string(fetchedAt)
        w.endObject()
    }
}

struct Author: Equatable {
    var name: String?
    var email: String?
    var url: String?

    var isEmpty: Bool { name == nil && email == nil && url == nil }

    func write(to w: JSONBytesWriter) {
        w.beginObject()
        w.key("name"); w.string(name)
        w.key("email"); w.string(email)
        w.key("url"); w.string(url)
        w.endObject()
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
    /// The summary is HTML (RSS description, Atom type="html"/"xhtml"): the record gets its text.
    var summaryIsHTML = false
    var contentHTML: String?
    /// Plain text the feed gave directly (JSON Feed content_text, Atom type="text"); used when there is no HTML.
    var contentText: String?
    var published: (field: String, text: String)?
    var modified: (field: String, text: String)?
    /// Which kind of element gave `published` and `modified` (DateRank): of several, the lowest rank
    /// counts whatever the order; of one rank, the first.
    private(set) var publishedRank = Int.max
    private(set) var modifiedRank = Int.max
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
    /// Stand-ins from other vocabularies (`media:title`; `itunes:summary`, `media:description`): they
    /// count only when the format's own element is missing, else they are kept under extensions
    /// (settleStandIns()), whatever the order of the elements. A stand-in read inside another element
    /// (a `media:group`) has no element of its own: the one it is in is kept whole.
    var standInTitle: (text: String, element: (key: String, value: JSON)?)?
    var standInSummary: (text: String, element: (key: String, value: JSON)?)?

    init(index: Int) { self.index = index }

    /// Takes the stand-ins where the item has no title or summary of its own; keeps the others under extensions.
    mutating func settleStandIns() {
        if let t = standInTitle {
            if title == nil { title = t.text } else if let e = t.element { ExtensionBag.add(e.key, e.value, to: extensions) }
        }
        if let s = standInSummary {
            if summary == nil { summary = s.text; summaryIsHTML = false }
            else if let e = s.element { ExtensionBag.add(e.key, e.value, to: extensions) }
        }
        standInTitle = nil
        standInSummary = nil
    }

    /// About the bytes of text the draft holds (for the record pipeline's byte bound).
    var textBytes: Int {
        (title?.utf8.count ?? 0) + (summary?.utf8.count ?? 0) + (contentHTML?.utf8.count ?? 0) + (contentText?.utf8.count ?? 0)
    }

    /// Whether a date element of `rank` gives `published` (the caller reads its text only then).
    func takesPublished(_ rank: Int) -> Bool { rank < publishedRank }
    func takesModified(_ rank: Int) -> Bool { rank < modifiedRank }

    /// Sets the date; one it displaces is kept under `extensions` unless the other date still holds it.
    mutating func setPublished(_ field: String, _ text: String, rank: Int) {
        if let old = published, modified?.field != old.field { ExtensionBag.add(old.field, .string(old.text), to: extensions) }
        published = (field, text)
        publishedRank = rank
    }

    mutating func setModified(_ field: String, _ text: String, rank: Int) {
        if let old = modified, published?.field != old.field { ExtensionBag.add(old.field, .string(old.text), to: extensions) }
        modified = (field, text)
        modifiedRank = rank
    }

    /// Builds the record, reporting what had to be repaired or dropped. Fields are written in schema
    /// order straight into bytes (see AdvisoryRecord).
    func record(in feed: FeedSnapshot, parser: HTMLParser, report: (FeedIssue) -> Void) -> AdvisoryRecord {
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
        let uid = recordUID(feedURL: feed.identity, id: id)
        // Plain-text content (JSON Feed content_text, Atom type="text") also gets its HTML form, escaped.
        let html = contentHTML.map { ContentLinks.resolve($0, base: baseURL ?? feed.documentURL) }
        var contentText = self.contentText
        var sections = Sections()
        if let html, !html.isEmpty {
            (contentText, sections) = HTMLText.extract(html, parser: parser)
        }
        let levels = severityLevels(id: id, report: report)
        let summary = plainSummary(contentText: html != nil && self.summary == contentHTML ? contentText : nil, parser: parser)

        let w = JSONBytesWriter(capacity: 1024 + 2 * ((html?.utf8.count ?? 0) + (summary?.utf8.count ?? 0)))
        w.beginObject()
        w.key("schema"); w.string(CSVersion.schema)
        w.key("id"); w.string(id)
        w.key("uid"); w.string(uid)
        w.key("title"); w.string(title)
        w.key("url"); w.string(url)
        w.key("summary"); w.string(summary)
        w.key("content_html"); w.string(html ?? self.contentText.map(HTMLEscape.escape))
        w.key("content_text"); w.string(contentText)
        w.key("published"); w.string(published)
        w.key("modified"); w.string(modified)
        w.key("authors")
        w.beginArray()
        for a in (authors.isEmpty ? feed.authors : authors) where !a.isEmpty { a.write(to: w) }
        w.endArray()
        w.key("tags"); w.strings(Tag.canonicalSet(tags))
        w.key("severity"); w.string(levels.last?.name)
        w.key("severities"); w.strings(levels.map(\.name))
        w.key("type"); w.string(type.map(\.trimmingSpaces).flatMap { $0.isEmpty ? nil : $0 })
        w.key("actors"); w.strings(Self.cleaned(actors))
        w.key("cves"); w.strings(Self.cleaned(cves).map { $0.uppercased() })
        w.key("vendors"); w.strings(Self.cleaned(vendors))
        w.key("products"); w.strings(Self.cleaned(products))
        w.key("exploited")
        if let exploited { w.bool(exploited) } else { w.null() }
        w.key("sections"); sections.write(to: w)
        w.key("source"); feed.writeSource(to: w)
        w.key("extensions"); w.json(extensions)
        w.endObject()
        return AdvisoryRecord(bytes: w.bytes, uid: uid)
    }

    /// The summary as plain text in every format, as content_text is the body's: HTML summaries (RSS
    /// description, Atom html/xhtml) become their text, and a text summary that carries markup anyway
    /// (`<p>…</p>` in a JSON Feed) is reduced to its text by the rule titles follow. `contentText` is the
    /// text already extracted when the summary is the body itself (RSS without content:encoded).
    private func plainSummary(contentText: String?, parser: HTMLParser) -> String? {
        guard let summary else { return nil }
        let text: String
        if summaryIsHTML, Self.isAlreadyText(summary) { return summary }
        if summaryIsHTML { text = contentText ?? HTMLText.extract(summary, parser: parser).text }
        else if Self.carriesMarkup(summary) { text = HTMLText.extract(summary, parser: parser).text }
        else { return summary }
        return text.isEmpty ? nil : text
    }

    /// HTML that is its own text: no markup or reference, and no whitespace (no-break spaces included) the
    /// HTML reader would collapse (most descriptions beside a content:encoded are plain sentences); saves reading it as HTML.
    static func isAlreadyText(_ s: String) -> Bool {
        var previous: UInt8 = 0x20
        for c in s.utf8 {
            if c == UInt8(ascii: "<") || c == UInt8(ascii: "&") || c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D { return false }
            if c == 0xA0 { return false }   // the end of U+00A0, a space to the HTML reader (or of another character)
            if c == 0x20, previous == 0x20 { return false }   // leading or doubled
            previous = c
        }
        return previous != 0x20   // not empty, no trailing space
    }

    /// The item's severities as levels, lowest first, without duplicates; unknown names are reported.
    private func severityLevels(id: String, report: (FeedIssue) -> Void) -> [Severity] {
        var levels: [Severity] = []
        for s in severities {
            if let level = Severity(parsing: s) {
                if !levels.contains(level) { levels.append(level) }
            } else {
                report(FeedIssue(level: .warning, code: .invalidArgument,
                                 message: "unknown severity \"\(s)\" ignored", item: index, id: id))
            }
        }
        return levels.sorted()
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
        carriesMarkup(title) ? HTMLText.singleLine(title) : title.trimmingSpaces
    }

    /// Text with an end tag or a `<br>` in it carries markup; a lone `<tag>` is text that mentions one.
    static func carriesMarkup(_ text: String) -> Bool {
        var hasMarkup = false
        var previous: UInt8 = 0
        for c in text.utf8 {
            if previous == UInt8(ascii: "<"), c == UInt8(ascii: "/") || c == UInt8(ascii: "b") || c == UInt8(ascii: "B") {
                hasMarkup = true
                break
            }
            previous = c
        }
        return hasMarkup && (text.contains("</") || text.lowercased().contains("<br"))
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
