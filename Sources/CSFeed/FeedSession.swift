internal import CLibXML2
import CSCore

/// The state of one XML feed document while it streams: what the feed said about itself so far,
/// and how many items have been emitted.
final class FeedSession {
    private(set) var dialect: FeedDialect
    let feed: FeedContext
    private(set) var emitted = 0
    /// Items seen so far (emitted or skipped), for resuming after a recovery.
    private(set) var index = 0

    init(dialect: FeedDialect, source: FeedSource) {
        self.dialect = dialect
        feed = FeedContext(format: dialect.format, source: source)
    }

    func setDialect(_ d: FeedDialect) {
        dialect = d
        feed.format = d.format
    }

    /// The root element's attributes that say something about the feed: a CDF channel's `HREF` is its home page.
    func rootElement(_ e: XMLElement) {
        guard dialect.family == .cdf, feed.homePageURL == nil,
              let href = CDFItemMapper.attribute(e, "href")?.trimmingSpaces, !href.isEmpty else { return }
        feed.homePageURL = URLResolver.resolve(href, against: CDFItemMapper.baseURL(of: e))
    }

    /// A feed-level element (channel title, links, authors).
    func feedElement(_ e: XMLElement) {
        var budget = XMLFeedReader.itemTextBudget
        guard let text = try? e.text(budget: &budget) else { return }
        if dialect.family == .cdf {
            // A CDF channel's own words are its TITLE (and its ABSTRACT, which no record carries).
            if feed.feedTitle == nil, e.namespace == nil, FeedDialect.isCDF(e.localName, "title") {
                feed.feedTitle = text.trimmingSpaces
            }
            return
        }
        let ns = e.namespace
        let isAtom = ns == XMLNamespace.atom10 || ns == XMLNamespace.atom03 || (dialect.family == .atom && ns == nil)
        switch e.localName {
        case "title" where !isAtom || dialect.family == .atom:
            if feed.feedTitle == nil {
                feed.feedTitle = AtomText.plain(e, text: text).trimmingSpaces
            }
        case "link" where isAtom:
            let rel = e.attribute("rel") ?? "alternate"
            guard let href = e.attribute("href") else { return }
            let url = URLResolver.resolve(href, against: e.baseURL)
            if rel == "self", feed.feedURL == nil { feed.feedURL = url }
            if rel == "alternate", feed.homePageURL == nil { feed.homePageURL = url }
        case "link":
            if feed.homePageURL == nil, !text.trimmingSpaces.isEmpty {
                feed.homePageURL = URLResolver.resolve(text, against: e.baseURL)
            }
        case "author" where isAtom:
            if let a = AtomPerson.author(e) { feed.authors.append(a) }
        default:
            break
        }
    }

    /// One item or entry mapped into a draft, or nil (reported) when it cannot be read. The record is
    /// built from it by the caller, here or on the record-building thread.
    func draft(_ e: XMLElement, report: (FeedIssue) -> Void) -> AdvisoryDraft? {
        index += 1
        var budget = XMLFeedReader.itemTextBudget
        var draft: AdvisoryDraft
        do {
            switch dialect.family {
            case .rss: draft = try RSSItemMapper.draft(e, index: index, budget: &budget)
            case .atom: draft = try AtomEntryMapper.draft(e, index: index, budget: &budget)
            case .cdf: draft = try CDFItemMapper.draft(e, index: index, budget: &budget)
            }
        } catch {
            let limit = "\(XMLFeedReader.itemTextBudget >> 20) MiB"
            let line = xmlGetLineNo(e.node)
            let place = [error.element.isEmpty ? nil : "in <\(error.element)>", line > 0 ? "item at line \(line)" : nil].compactMap { $0 }
            let detail = place.isEmpty ? "" : " (\(place.joined(separator: ", ")))"
            report(FeedIssue(level: .error, code: .resourceExhausted,
                             message: (error.throughEntities
                                       ? "its text expands past \(limit) through entity references\(detail); item skipped"
                                       : "its text is larger than \(limit)\(detail); item skipped"),
                             item: index))
            return nil
        }
        // No document URL or xml:base made the link absolute: the feed's home page is the next best base.
        if let url = draft.url, !URLResolver.isAbsolute(url), let home = feed.homePageURL {
            draft.url = URLResolver.resolve(url, against: home)
        }
        return draft
    }

    /// One item mapped, built and emitted on this thread.
    func item(_ e: XMLElement, report: (FeedIssue) -> Void, emit: (AdvisoryRecord) -> Void) {
        guard let d = draft(e, report: report) else { return }
        emit(d.record(in: feed.snapshot(), parser: feed.htmlParser, report: report))
        emitted += 1
    }

    /// One item handed to the record-building thread (it is emitted there, in order), or built here when
    /// that thread is behind.
    func item(_ e: XMLElement, pipeline: RecordPipeline) {
        guard let d = draft(e, report: { pipeline.submit(.issue($0)) }) else { return }
        pipeline.add(d, feed: feed.snapshot(), parser: feed.htmlParser)
        emitted += 1
    }
}
