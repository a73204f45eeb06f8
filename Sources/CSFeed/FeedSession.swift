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

    /// A feed-level element (channel title, links, authors).
    func feedElement(_ e: XMLElement) {
        var budget = XMLFeedReader.itemTextBudget
        guard let text = try? e.text(budget: &budget) else { return }
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

    /// One item or entry: mapped, built into a record, emitted.
    func item(_ e: XMLElement, report: (FeedIssue) -> Void, emit: (JSON) -> Void) {
        index += 1
        var budget = XMLFeedReader.itemTextBudget
        let draft: AdvisoryDraft
        do {
            switch dialect.family {
            case .rss: draft = try RSSItemMapper.draft(e, index: index, budget: &budget)
            case .atom: draft = try AtomEntryMapper.draft(e, index: index, budget: &budget)
            }
        } catch {
            report(FeedIssue(level: .error, code: .resourceExhausted,
                             message: "text of the item expands past \(XMLFeedReader.itemTextBudget >> 20) MiB (entity expansion); item skipped",
                             item: index))
            return
        }
        var resolved = draft
        // No document URL or xml:base made the link absolute: the feed's home page is the next best base.
        if let url = resolved.url, !URLResolver.isAbsolute(url), let home = feed.homePageURL {
            resolved.url = URLResolver.resolve(url, against: home)
        }
        emit(resolved.record(in: feed, report: report))
        emitted += 1
    }
}
