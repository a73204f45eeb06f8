import CSCore

/// Atom text constructs (type="text" | "html" | "xhtml").
enum AtomText {
    /// As plain text (titles); base64 (Atom 0.3 mode, or a type that is neither text nor XML) decoded.
    static func plain(_ e: XMLElement, text: String) -> String {
        let type = (e.attribute("type") ?? "text").trimmingSpaces.lowercased()
        if isBase64(type: type, mode: e.attribute("mode")?.trimmingSpaces.lowercased()), let decoded = decodeBase64(text) {
            return isHTMLType(type) ? HTMLText.singleLine(decoded) : decoded
        }
        switch type {
        case "html", "text/html": return HTMLText.singleLine(text)
        case "xhtml", "application/xhtml+xml": return HTMLText.singleLine(xhtmlInner(e))
        default: return text
        }
    }

    /// As the feed wrote it, markup kept (summaries); base64 (Atom 0.3 mode, or a non-text type) decoded.
    static func markup(_ e: XMLElement, budget: inout Int) throws(ItemTextBudgetExceeded) -> String? {
        let type = (e.attribute("type") ?? "text").trimmingSpaces.lowercased()
        if isBase64(type: type, mode: e.attribute("mode")?.trimmingSpaces.lowercased()), !e.hasElementChildren {
            let text = try e.text(budget: &budget)
            return decodeBase64(text) ?? text.trimmingSpaces   // not base64 after all: the text as written
        }
        switch type {
        case "xhtml", "application/xhtml+xml": return xhtmlInner(e)
        case "html", "text/html": return try html(e, budget: &budget)
        default:
            if e.hasElementChildren { return e.innerXML.trimmingSpaces }   // markup put in unescaped
            return try e.text(budget: &budget).trimmingSpaces
        }
    }

    /// Whether an element's text is base64 (RFC 4287 §4.1.3.3): Atom 0.3 says so with mode="base64"
    /// (any other mode is not); Atom 1.0 with a MIME type that is neither text/* nor XML
    /// (`application/octet-stream`). The keywords text, html and xhtml, and other words, are not.
    /// `type` and `mode` are trimmed and lowercased.
    static func isBase64(type: String, mode: String?) -> Bool {
        if let mode { return mode == "base64" }
        guard type.utf8.contains(UInt8(ascii: "/")) else { return false }
        return !(type.hasPrefix("text/") || type.hasSuffix("+xml") || type.hasSuffix("/xml"))
    }

    /// html, xhtml or their MIME types: what decoded base64 of this type is (else text).
    static func isHTMLType(_ type: String) -> Bool {
        type == "html" || type == "text/html" || type == "xhtml" || type == "application/xhtml+xml"
    }

    /// Base64 text decoded, when it is base64 and encodes UTF-8 text.
    static func decodeBase64(_ text: String) -> String? {
        guard let bytes = Base64.decode(text.utf8) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Whether `markup(_:)` gives markup (html, xhtml, or markup put in unescaped) rather than text.
    static func isMarkup(_ e: XMLElement) -> Bool {
        switch (e.attribute("type") ?? "text").trimmingSpaces.lowercased() {
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
