import CSCore

/// An RSS 0.9x/1.0/2.0 `<item>` into a draft. RSS 1.0 and 0.90 elements live in their own namespaces;
/// RSS 0.9x/2.0 elements in none (or in UserLand's RSS namespace, which XMLElement reads as none).
enum RSSItemMapper {
    static func draft(_ item: XMLElement, index: Int, budget: inout Int) throws(ItemTextBudgetExceeded) -> AdvisoryDraft {
        var d = AdvisoryDraft(index: index)
        d.baseURL = item.baseURL
        var description: String?
        var encoded: String?
        var body: (text: String, element: XMLElement)?   // xhtml:body, body or fullitem: the body without content:encoded
        var guidIsPermalink = false
        var guid: String?
        var atomStyle = AtomStyleElements()
        for child in item.children {
            let ns = child.namespace
            if ns == nil || ns == XMLNamespace.rss10 || ns == XMLNamespace.rss090 {
                switch child.localName {
                // Repeated elements: the first counts, the others are kept under extensions.
                case "title" where d.title == nil: d.title = try child.text(budget: &budget); continue
                case "link":
                    let link = try child.text(budget: &budget).trimmingSpaces
                    if d.url == nil, !link.isEmpty {
                        d.url = URLResolver.resolve(link, against: child.baseURL)
                        continue
                    }
                    if ns == nil, link.isEmpty, atomStyle.link == nil, child.attribute("href") != nil,
                       (child.attribute("rel")?.trimmingSpaces ?? "alternate") == "alternate" {
                        atomStyle.link = child   // Atom's <link href>: the url when the item has no RSS link
                        continue
                    }
                    break   // a second link (or an empty one with attributes) is kept under extensions
                case "description" where description == nil: description = try child.htmlText(budget: &budget); continue
                case "guid" where guid == nil:
                    guid = try child.text(budget: &budget).trimmingSpaces
                    guidIsPermalink = (child.attribute("isPermaLink") ?? "true").trimmingSpaces.lowercased() != "false"
                    continue
                case "pubDate" where d.takesPublished(DateRank.standard):   // over a dc:date, dcterms:issued...
                    d.setPublished("pubDate", try child.text(budget: &budget), rank: DateRank.standard); continue
                case "author":
                    if let a = RSSAuthor.parse(try child.text(budget: &budget)) { d.authors.append(a) }
                    continue
                case "fullitem" where body == nil, "body" where body == nil:
                    // fullitem holds escaped HTML; a body without a namespace, markup written inline.
                    body = (try child.htmlText(budget: &budget).trimmingSpaces, child); continue
                case "category":
                    let value = try CategoryText.of(child, budget: &budget)
                    switch child.attribute("domain")?.trimmingSpaces.lowercased() {
                    case "severity": d.severities.append(value)
                    case "type": d.type = value
                    default: d.tags.append(value)
                    }
                    continue
                // Atom's elements written without a namespace (hand-made feeds mix the two): read as in an
                // Atom entry, where the item has no RSS element of the same meaning.
                case "id" where ns == nil && atomStyle.id == nil: atomStyle.id = child; continue
                case "updated" where ns == nil:
                    if try SharedElements.modified(child, rank: DateRank.standard, to: &d, budget: &budget) { continue }
                case "published" where ns == nil:
                    // Below pubDate, which wins whatever the order.
                    if try SharedElements.published(child, rank: DateRank.issued, to: &d, budget: &budget) { continue }
                case "summary" where ns == nil && d.standInSummary == nil:
                    // Stands in for the description, which wins whatever the order.
                    d.standInSummary = (try child.text(budget: &budget).trimmingSpaces,
                                        (child.qualifiedName, try ExtensionLinks.value(child, budget: &budget)))
                    continue
                default: break
                }
            } else if ns == XMLNamespace.content, child.localName == "encoded", encoded == nil {
                encoded = try child.htmlText(budget: &budget)
                continue
            } else if ns == XMLNamespace.xhtml, child.localName == "body", body == nil {
                body = (child.innerXML.trimmingSpaces, child)
                continue
            } else if try SharedElements.apply(child, to: &d, budget: &budget) {
                continue
            }
            ExtensionBag.add(child.qualifiedName, try ExtensionLinks.value(child, budget: &budget), to: d.extensions)
        }
        try atomStyle.settleLink(into: &d, budget: &budget)
        if let guid, !guid.isEmpty {
            d.id = guid
            if d.url == nil, guidIsPermalink, URLResolver.isWebURL(guid) { d.url = guid }
        }
        try atomStyle.settleID(into: &d, budget: &budget)
        if d.id == nil, let about = item.attribute("about", namespace: XMLNamespace.rdf)?.trimmingSpaces, !about.isEmpty {
            d.id = about   // RSS 1.0 names each item by its rdf:about URI
        }
        if description == nil, let dcDescription = d.extensions["dc:description"]?.stringValue {
            description = dcDescription
            d.extensions.remove("dc:description")
        }
        d.summary = description
        d.summaryIsHTML = true   // RSS descriptions are HTML (escaped or not)
        if let body, encoded != nil || d.contentHTML != nil {
            // Not the body after all: kept under extensions like any element the record does not take.
            ExtensionBag.add(body.element.qualifiedName, try ExtensionLinks.value(body.element, budget: &budget), to: d.extensions)
        }
        if let encoded { d.contentHTML = encoded } else if let body, d.contentHTML == nil { d.contentHTML = body.text } else if d.contentHTML == nil, d.contentText == nil { d.contentHTML = description }
        d.settleStandIns()
        return d
    }
}

/// Atom's `<link href>` and `<id>` written without a namespace in an RSS item: they count only where the
/// item has no RSS `link` and no `guid`, whatever the order; otherwise they are kept under extensions.
private struct AtomStyleElements {
    var link: XMLElement?
    var id: XMLElement?

    /// Before the guid: a link the feed wrote is the url, where a permalink guid is only a stand-in.
    func settleLink(into d: inout AdvisoryDraft, budget: inout Int) throws(ItemTextBudgetExceeded) {
        guard let link else { return }
        if d.url == nil, let href = link.attribute("href")?.trimmingSpaces, !href.isEmpty {
            d.url = URLResolver.resolve(href, against: link.baseURL)
        } else {
            ExtensionBag.add(link.qualifiedName, try ExtensionLinks.value(link, budget: &budget), to: d.extensions)
        }
    }

    /// After the guid, which wins.
    func settleID(into d: inout AdvisoryDraft, budget: inout Int) throws(ItemTextBudgetExceeded) {
        if let id {
            let text = try id.text(budget: &budget).trimmingSpaces
            if d.id == nil, !text.isEmpty { d.id = text }
            else { ExtensionBag.add(id.qualifiedName, try ExtensionLinks.value(id, budget: &budget), to: d.extensions) }
        }
    }
}
