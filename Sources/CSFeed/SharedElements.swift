import CSCore

/// Elements from Dublin Core and Atom that RSS and Atom documents both borrow.
enum SharedElements {
    /// Applies a borrowed element to the draft; false when it is not one cs models.
    static func apply(_ e: XMLElement, to d: inout AdvisoryDraft, budget: inout Int) throws(ItemTextBudgetExceeded) -> Bool {
        switch (e.namespace, e.localName) {
        case (XMLNamespace.dc?, "creator"):
            let name = try e.text(budget: &budget).trimmingSpaces
            // A creator is a name; one with an address in it (`Jo Doe (jo@example.org)`) is read as RSS's author is.
            let author = name.utf8.contains(UInt8(ascii: "@")) ? RSSAuthor.parse(name) : Author(name: name)
            if !name.isEmpty, let author, !d.authors.contains(author) { d.authors.append(author) }
            return true
        case (XMLNamespace.dc?, "date"):
            // Dublin Core has one date; it serves as both when the feed gives no other.
            guard d.takesPublished(DateRank.dublinCore) else { return false }
            let text = try e.text(budget: &budget)
            d.setPublished(e.qualifiedName, text, rank: DateRank.dublinCore)
            if d.takesModified(DateRank.dublinCore) { d.setModified(e.qualifiedName, text, rank: DateRank.dublinCore) }
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
        case (let ns?, "category") where ns.lowercased() == XMLNamespace.itunes:
            // Apple's categories are named by `text`; a subcategory is nested in its parent, and both are tags.
            guard let text = e.attribute("text"), !text.trimmingSpaces.isEmpty else { return false }
            d.tags.append(CategoryText.plain(text))
            for sub in e.children where sub.localName == "category" {
                if let t = sub.attribute("text"), !t.trimmingSpaces.isEmpty { d.tags.append(CategoryText.plain(t)) }
            }
            return true
        case (XMLNamespace.media?, "category"):
            // Media RSS names a category by its text (`label` is its readable name when there is no text).
            let text = try CategoryText.of(e, budget: &budget).trimmingSpaces
            guard let tag = text.isEmpty ? e.attribute("label") : text else { return false }
            d.tags.append(CategoryText.plain(tag))
            return true
        case (XMLNamespace.media?, "title") where d.standInTitle == nil:
            d.standInTitle = try standIn(e, budget: &budget)
            return true
        case (XMLNamespace.media?, "description") where d.standInSummary == nil:
            d.standInSummary = try standIn(e, budget: &budget)
            return true
        case (XMLNamespace.media?, "group"):
            // A group of media:content alternatives shares one media:title and media:description (Media RSS
            // section 2): they stand in as the item's own media:title and media:description do, else those of
            // a media:content in the group. The group is kept under extensions whole.
            try groupStandIns(e, to: &d, budget: &budget)
            return false
        case (let ns?, "summary") where d.standInSummary == nil && ns.lowercased() == XMLNamespace.itunes:
            d.standInSummary = try standIn(e, budget: &budget)
            return true
        case (let ns?, "keywords") where ns.lowercased() == XMLNamespace.itunes:
            for k in try e.text(budget: &budget).split(separator: ",") { d.tags.append(String(k)) }
            return true
        case (XMLNamespace.atom10?, "category"):
            guard let term = e.attribute("term") else { return false }
            d.tags.append(CategoryText.plain(term))
            return true
        case (XMLNamespace.atom10?, "content"):
            guard d.contentHTML == nil else { return false }
            let type = (e.attribute("type") ?? "text").trimmingSpaces.lowercased()
            // Base64 content (a type neither text nor XML) is decoded as in Atom documents.
            if AtomText.isBase64(type: type, mode: nil) { return try AtomEntryMapper.content(e, into: &d, budget: &budget) }
            if type == "xhtml" { d.contentHTML = AtomText.xhtmlInner(e) }
            else if type == "html" || type == "text/html" { d.contentHTML = try e.htmlText(budget: &budget) }
            else { d.contentText = try e.text(budget: &budget) }
            return true
        case (XMLNamespace.dc?, "subject"):
            d.tags.append(try CategoryText.of(e, budget: &budget))
            return true
        case (XMLNamespace.atom10?, "updated"):
            return try modified(e, rank: DateRank.standard, to: &d, budget: &budget)
        case (XMLNamespace.dcterms?, "modified"), (XMLNamespace.atom03?, "modified"):
            return try modified(e, rank: DateRank.modified, to: &d, budget: &budget)
        case (XMLNamespace.atom10?, "published"):
            return try published(e, rank: DateRank.standard, to: &d, budget: &budget)
        case (XMLNamespace.dcterms?, "issued"), (XMLNamespace.atom03?, "issued"):
            return try published(e, rank: DateRank.issued, to: &d, budget: &budget)
        case (XMLNamespace.dcterms?, "created"), (XMLNamespace.atom03?, "created"):
            return try published(e, rank: DateRank.created, to: &d, budget: &budget)
        case (XMLNamespace.atom10?, "author"):
            if let a = AtomPerson.author(e) { d.authors.append(a) }
            return true
        default:
            return false
        }
    }

    /// The title and description of a media:group, else of a media:content in it, where the item has no
    /// stand-in yet.
    private static func groupStandIns(_ group: XMLElement, to d: inout AdvisoryDraft, budget: inout Int) throws(ItemTextBudgetExceeded) {
        let members = group.children.filter { $0.namespace == XMLNamespace.media }
        let contents = members.filter { $0.localName == "content" }.flatMap { $0.children.filter { $0.namespace == XMLNamespace.media } }
        for m in members + contents {
            switch m.localName {
            case "title" where d.standInTitle == nil:
                let text = try m.text(budget: &budget).trimmingSpaces
                if !text.isEmpty { d.standInTitle = (text, nil) }
            case "description" where d.standInSummary == nil:
                let text = try m.text(budget: &budget).trimmingSpaces
                if !text.isEmpty { d.standInSummary = (text, nil) }
            default: break
            }
        }
    }

    /// A stand-in's text, and the element as it goes under extensions when it does not count.
    private static func standIn(_ e: XMLElement, budget: inout Int) throws(ItemTextBudgetExceeded) -> (text: String, element: (key: String, value: JSON)?) {
        (try e.text(budget: &budget).trimmingSpaces, (e.qualifiedName, try ExtensionLinks.value(e, budget: &budget)))
    }

    /// A date element that gives `published` when it outranks the one there is (DateRank); else false,
    /// and it is kept under extensions.
    static func published(_ e: XMLElement, rank: Int, to d: inout AdvisoryDraft, budget: inout Int) throws(ItemTextBudgetExceeded) -> Bool {
        guard d.takesPublished(rank) else { return false }
        d.setPublished(e.qualifiedName, try e.text(budget: &budget), rank: rank)
        return true
    }

    static func modified(_ e: XMLElement, rank: Int, to d: inout AdvisoryDraft, budget: inout Int) throws(ItemTextBudgetExceeded) -> Bool {
        guard d.takesModified(rank) else { return false }
        d.setModified(e.qualifiedName, try e.text(budget: &budget), rank: rank)
        return true
    }
}
