import CSCore

/// An RSS 0.9x/1.0/2.0 `<item>` into a draft. RSS 1.0 and 0.90 elements live in their own namespaces;
/// RSS 0.9x/2.0 elements in none.
enum RSSItemMapper {
    static func draft(_ item: XMLElement, index: Int, budget: inout Int) throws(EntityBudgetExceeded) -> AdvisoryDraft {
        var d = AdvisoryDraft(index: index)
        d.baseURL = item.baseURL
        var description: String?
        var encoded: String?
        var guidIsPermalink = false
        var guid: String?
        for child in item.children {
            let ns = child.namespace
            if ns == nil || ns == XMLNamespace.rss10 || ns == XMLNamespace.rss090 {
                switch child.localName {
                case "title": d.title = try child.text(budget: &budget); continue
                case "link":
                    let link = try child.text(budget: &budget).trimmingSpaces
                    if d.url == nil, !link.isEmpty { d.url = URLResolver.resolve(link, against: child.baseURL) }
                    continue
                case "description": description = try child.htmlText(budget: &budget); continue
                case "guid":
                    guid = try child.text(budget: &budget).trimmingSpaces
                    guidIsPermalink = (child.attribute("isPermaLink") ?? "true").trimmingSpaces.lowercased() != "false"
                    continue
                case "pubDate":
                    d.published = ("pubDate", try child.text(budget: &budget)); continue
                case "author":
                    if let a = RSSAuthor.parse(try child.text(budget: &budget)) { d.authors.append(a) }
                    continue
                case "category":
                    let value = try child.text(budget: &budget)
                    switch child.attribute("domain")?.trimmingSpaces.lowercased() {
                    case "severity": d.severities.append(value)
                    case "type": d.type = value
                    default: d.tags.append(value)
                    }
                    continue
                default: break
                }
            } else if ns == XMLNamespace.content, child.localName == "encoded" {
                encoded = try child.htmlText(budget: &budget)
                continue
            } else if try SharedElements.apply(child, to: &d, budget: &budget) {
                continue
            }
            ExtensionBag.add(child.qualifiedName, try child.extensionValue(budget: &budget), to: d.extensions)
        }
        if let guid, !guid.isEmpty {
            d.id = guid
            if d.url == nil, guidIsPermalink, guid.hasPrefix("http://") || guid.hasPrefix("https://") { d.url = guid }
        }
        if d.id == nil, let about = item.attribute("about", namespace: XMLNamespace.rdf)?.trimmingSpaces, !about.isEmpty {
            d.id = about   // RSS 1.0 names each item by its rdf:about URI
        }
        if description == nil, let dcDescription = d.extensions["dc:description"]?.stringValue {
            description = dcDescription
            d.extensions.remove("dc:description")
        }
        d.summary = description
        if let encoded { d.contentHTML = encoded } else if d.contentHTML == nil, d.contentText == nil { d.contentHTML = description }
        return d
    }
}

/// Elements from Dublin Core and Atom that RSS and Atom documents both borrow.
enum SharedElements {
    /// Applies a borrowed element to the draft; false when it is not one cs models.
    static func apply(_ e: XMLElement, to d: inout AdvisoryDraft, budget: inout Int) throws(EntityBudgetExceeded) -> Bool {
        switch (e.namespace, e.localName) {
        case (XMLNamespace.dc?, "creator"):
            let name = try e.text(budget: &budget).trimmingSpaces
            if !name.isEmpty, !d.authors.contains(where: { $0.name == name }) { d.authors.append(Author(name: name)) }
            return true
        case (XMLNamespace.dc?, "date"):
            // Dublin Core has one date; it serves as both when the feed gives no other.
            guard d.published == nil else { return false }
            let text = try e.text(budget: &budget)
            d.published = (e.qualifiedName, text)
            if d.modified == nil { d.modified = (e.qualifiedName, text) }
            return true
        case (XMLNamespace.dc?, "title"):
            if d.title != nil { return false }
            d.title = try e.text(budget: &budget)
            return true
        case (XMLNamespace.dc?, "author"):
            guard let a = RSSAuthor.parse(try e.text(budget: &budget)) else { return false }
            d.authors.append(a)
            return true
        case (let ns?, "author") where ns.lowercased() == XMLNamespace.itunes:
            let name = try e.text(budget: &budget).trimmingSpaces
            if name.isEmpty || !d.authors.isEmpty { return false }
            d.authors.append(Author(name: name))
            return true
        case (let ns?, "keywords") where ns.lowercased() == XMLNamespace.itunes:
            for k in try e.text(budget: &budget).split(separator: ",") { d.tags.append(String(k)) }
            return true
        case (XMLNamespace.atom10?, "category"):
            guard let term = e.attribute("term") else { return false }
            d.tags.append(term)
            return true
        case (XMLNamespace.atom10?, "content"):
            guard d.contentHTML == nil else { return false }
            let type = (e.attribute("type") ?? "text").lowercased()
            if type == "xhtml" { d.contentHTML = AtomText.xhtmlInner(e) }
            else if type == "html" || type == "text/html" { d.contentHTML = try e.htmlText(budget: &budget) }
            else { d.contentText = try e.text(budget: &budget) }
            return true
        case (XMLNamespace.dc?, "subject"):
            d.tags.append(try e.text(budget: &budget))
            return true
        case (XMLNamespace.dcterms?, "modified"):
            if d.modified == nil { d.modified = (e.qualifiedName, try e.text(budget: &budget)); return true }
            return false
        case (XMLNamespace.atom10?, "updated"):
            if d.modified == nil { d.modified = (e.qualifiedName, try e.text(budget: &budget)); return true }
            return false
        case (XMLNamespace.atom10?, "published"):
            if d.published == nil { d.published = (e.qualifiedName, try e.text(budget: &budget)); return true }
            return false
        case (XMLNamespace.atom10?, "author"):
            if let a = AtomPerson.author(e) { d.authors.append(a) }
            return true
        default:
            return false
        }
    }
}

/// RSS `<author>` is an email address, often with the name in parentheses (`jo@example.org (Jo Doe)`);
/// feeds also write `Jo Doe <jo@example.org>` or just a name.
enum RSSAuthor {
    static func parse(_ raw: String) -> Author? {
        let text = raw.trimmingSpaces
        if text.isEmpty { return nil }
        let chars = Array(text)
        if let open = chars.firstIndex(of: "("), let close = chars.lastIndex(of: ")"), open < close {
            var email = String(chars[..<open]).trimmingSpaces
            var name = String(chars[(open + 1)..<close]).trimmingSpaces
            // "Name (email)" is written too.
            if !email.contains("@"), name.contains("@"), !name.contains(" ") { swap(&email, &name) }
            return Author(name: name.isEmpty ? nil : name, email: email.contains("@") ? email : nil,
                          url: nil).orName(email)
        }
        if let open = chars.firstIndex(of: "<"), let close = chars.lastIndex(of: ">"), open < close {
            let name = String(chars[..<open]).trimmingSpaces
            let email = String(chars[(open + 1)..<close]).trimmingSpaces
            return Author(name: name.isEmpty ? nil : name, email: email.isEmpty ? nil : email)
        }
        if text.contains("@"), !text.contains(" ") { return Author(name: nil, email: text) }
        return Author(name: text)
    }
}

extension Author {
    init(name: String?, email: String? = nil) { self.init(name: name, email: email, url: nil) }

    /// When the part before the parentheses is not an email, it is part of the name.
    fileprivate func orName(_ before: String) -> Author {
        if email != nil || before.isEmpty { return self }
        return Author(name: [before, name].compactMap { $0 }.joined(separator: " "), email: nil, url: nil)
    }
}
