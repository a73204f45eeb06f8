import CSCore

/// Elements from Dublin Core and Atom that RSS and Atom documents both borrow.
enum SharedElements {
    /// Applies a borrowed element to the draft; false when it is not one cs models.
    static func apply(_ e: XMLElement, to d: inout AdvisoryDraft, budget: inout Int) throws(ItemTextBudgetExceeded) -> Bool {
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
