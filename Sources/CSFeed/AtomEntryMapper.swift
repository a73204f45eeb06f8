import CSCore

/// An Atom 1.0 or 0.3 `<entry>` into a draft.
enum AtomEntryMapper {
    static func draft(_ entry: XMLElement, index: Int, budget: inout Int) throws(ItemTextBudgetExceeded) -> AdvisoryDraft {
        var d = AdvisoryDraft(index: index)
        d.baseURL = entry.baseURL
        for child in entry.children {
            let ns = child.namespace
            if ns == XMLNamespace.atom10 || ns == XMLNamespace.atom03 || ns == nil {
                if try apply(child, to: &d, budget: &budget) { continue }
            } else if ns == XMLNamespace.content, child.localName == "encoded", d.contentHTML == nil {
                d.contentHTML = try child.htmlText(budget: &budget)
                continue
            } else if try SharedElements.apply(child, to: &d, budget: &budget) {
                continue
            }
            ExtensionBag.add(child.qualifiedName, try ExtensionLinks.value(child, budget: &budget), to: d.extensions)
        }
        d.settleStandIns()
        // An entry whose only link is its id, when the id is a web URL (feedparser does the same).
        if d.url == nil, let id = d.id, URLResolver.isWebURL(id) { d.url = id }
        // Atom requires `updated`; an entry without a publication date was published when it was last updated.
        if d.published == nil, let modified = d.modified { d.published = modified }
        return d
    }

    private static func apply(_ e: XMLElement, to d: inout AdvisoryDraft, budget: inout Int) throws(ItemTextBudgetExceeded) -> Bool {
        switch e.localName {
        case "id":
            // Relative ids (rare, but real) are read against xml:base, as feedparser and gofeed do.
            let id = try e.text(budget: &budget).trimmingSpaces
            d.id = URLResolver.isAbsolute(id) ? id : URLResolver.resolve(id, against: e.baseURL)
        case "title":
            d.title = AtomText.plain(e, text: try e.text(budget: &budget))
        case "link":
            let rel = e.attribute("rel")?.trimmingSpaces ?? "alternate"
            guard rel == "alternate", d.url == nil else { return false }
            // A link written as text instead of href (`<link>https://...</link>`, as in RSS): feedparser takes it too.
            var written = e.attribute("href")
            if written == nil, !e.hasElementChildren { written = try e.text(budget: &budget).trimmingSpaces }
            guard let href = written, !href.isEmpty else { return false }
            d.url = URLResolver.resolve(href, against: e.baseURL)
        case "summary":
            let summary = try AtomText.markup(e, budget: &budget)
            d.summary = summary.map { ContentLinks.resolve($0, base: e.baseURL) }
            d.summaryIsHTML = AtomText.isMarkup(e)
        case "content":
            return try content(e, into: &d, budget: &budget)
        case "published": return try SharedElements.published(e, rank: DateRank.standard, to: &d, budget: &budget)
        case "issued": return try SharedElements.published(e, rank: DateRank.issued, to: &d, budget: &budget)
        case "created": return try SharedElements.published(e, rank: DateRank.created, to: &d, budget: &budget)
        case "updated": return try SharedElements.modified(e, rank: DateRank.standard, to: &d, budget: &budget)
        case "modified": return try SharedElements.modified(e, rank: DateRank.modified, to: &d, budget: &budget)
        case "author":
            if let a = AtomPerson.author(e) { d.authors.append(a) }
        case "category":
            let attributeTerm = e.attribute("term") ?? e.attribute("label")
            let term: String
            let written: String
            if let attributeTerm { written = attributeTerm } else { written = try e.text(budget: &budget) }
            term = CategoryText.plain(written).trimmingSpaces
            let scheme = (e.attribute("scheme") ?? "").trimmingSpaces.lowercased()
            if scheme == "severity" || scheme.hasSuffix("/severity") || scheme.hasSuffix("#severity") {
                d.severities.append(term)
            } else if scheme == "type" || scheme.hasSuffix("/type") || scheme.hasSuffix("#type") {
                d.type = term
            } else {
                d.tags.append(term)
            }
        default:
            return false
        }
        return true
    }

    /// Atom content by its type (and 0.3 mode): html, xhtml, text, or base64-encoded text.
    static func content(_ e: XMLElement, into d: inout AdvisoryDraft, budget: inout Int) throws(ItemTextBudgetExceeded) -> Bool {
        if d.contentHTML != nil || d.contentText != nil || e.attribute("src") != nil { return false }
        let type = (e.attribute("type") ?? "text").trimmingSpaces.lowercased()
        let mode = e.attribute("mode")?.trimmingSpaces.lowercased()
        let isHTML = type == "html" || type == "text/html"
        let isXHTML = type == "xhtml" || type == "application/xhtml+xml" || mode == "xml"
        let isText = type == "text" || type == "text/plain"
        d.baseURL = e.baseURL   // links inside the content are relative to the content's own base
        if AtomText.isBase64(type: type, mode: mode) {
            // Encoded text (or HTML, by its type) is decoded; bytes that are no UTF-8 text (an image) stay
            // under extensions as the feed wrote them.
            guard let decoded = AtomText.decodeBase64(try e.text(budget: &budget)) else { return false }
            if isHTML || isXHTML { d.contentHTML = decoded } else { d.contentText = decoded }
            return true
        }
        if isXHTML { d.contentHTML = AtomText.xhtmlInner(e) }
        else if isHTML { d.contentHTML = try AtomText.html(e, budget: &budget) }
        else if isText { d.contentText = try e.text(budget: &budget).trimmingSpaces }
        else { return false }
        return true
    }
}
