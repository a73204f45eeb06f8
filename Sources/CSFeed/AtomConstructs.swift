import CSCore

/// Atom text constructs (type="text" | "html" | "xhtml").
enum AtomText {
    /// As plain text (titles).
    static func plain(_ e: XMLElement, text: String) -> String {
        switch (e.attribute("type") ?? "text").lowercased() {
        case "html", "text/html": return HTMLText.singleLine(text)
        case "xhtml", "application/xhtml+xml": return HTMLText.singleLine(xhtmlInner(e))
        default: return text
        }
    }

    /// As the feed wrote it, markup kept (summaries); base64 (Atom 0.3 mode, or a non-text type) decoded.
    static func markup(_ e: XMLElement, budget: inout Int) throws(ItemTextBudgetExceeded) -> String? {
        let type = (e.attribute("type") ?? "text").lowercased()
        switch type {
        case "xhtml", "application/xhtml+xml": return xhtmlInner(e)
        case "html", "text/html": return try html(e, budget: &budget)
        default:
            if e.hasElementChildren { return e.innerXML.trimmingSpaces }   // markup put in unescaped
            let text = try e.text(budget: &budget)
            if e.attribute("mode")?.lowercased() == "base64" || !(type == "text" || type.hasPrefix("text/")) {
                guard let bytes = Base64.decode(text.utf8), let decoded = String(validating: bytes, as: UTF8.self) else { return text }
                return decoded
            }
            return text.trimmingSpaces
        }
    }

    /// Whether `markup(_:)` gives markup (html, xhtml, or markup put in unescaped) rather than text.
    static func isMarkup(_ e: XMLElement) -> Bool {
        switch (e.attribute("type") ?? "text").lowercased() {
        case "xhtml", "application/xhtml+xml", "html", "text/html": return true
        default: return e.hasElementChildren
        }
    }

    /// type="html": escaped markup. Feeds also wrap it in an XHTML `<div>` or put the markup in unescaped.
    static func html(_ e: XMLElement, budget: inout Int) throws(ItemTextBudgetExceeded) -> String {
        let kids = e.children
        if kids.count == 1, kids[0].localName == "div", !kids[0].hasElementChildren {
            return try kids[0].text(budget: &budget).trimmingSpaces
        }
        return try e.htmlText(budget: &budget).trimmingSpaces
    }

    /// The markup inside xhtml content: the children of its wrapping `<div>`.
    static func xhtmlInner(_ e: XMLElement) -> String {
        let kids = e.children
        if kids.count == 1, kids[0].localName == "div" { return kids[0].innerXML.trimmingSpaces }
        return e.innerXML.trimmingSpaces
    }
}

/// Atom person constructs (author, contributor).
enum AtomPerson {
    static func author(_ e: XMLElement) -> Author? {
        var a = Author(name: nil, email: nil, url: nil)
        var budget = 1 << 16
        for c in e.children {
            let value = ((try? c.text(budget: &budget)) ?? "").trimmingSpaces
            if value.isEmpty { continue }
            switch c.localName {
            case "name": a.name = value
            case "email": a.email = value
            case "uri", "url", "homepage": a.url = URLResolver.resolve(value, against: c.baseURL)
            default: break
            }
        }
        if a.isEmpty, !e.hasElementChildren, let text = try? e.text(budget: &budget), !text.trimmingSpaces.isEmpty {
            a.name = text.trimmingSpaces   // some feeds write the name directly
        }
        return a.isEmpty ? nil : a
    }
}
