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
        if let guid, !guid.isEmpty {
            d.id = guid
            if d.url == nil, guidIsPermalink, URLResolver.isWebURL(guid) { d.url = guid }
        }
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
