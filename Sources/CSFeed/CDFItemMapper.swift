internal import CLibXML2
import CSCore

/// A CDF (Microsoft's Channel Definition Format, 1997) `<ITEM>` into a draft: the page it announces is its
/// `HREF` attribute (relative to the `BASE` of the item or of a channel around it), its date `LASTMOD`,
/// its title `<TITLE>` and its summary `<ABSTRACT>` (plain text). CDF writes names upper case, some
/// documents mixed case: they are matched in any case, as feedparser does. A `<channel>` root may also be
/// RSS without its `<rss>` wrapper: an item's `<link>` text and `<description>` count where it has no
/// `HREF` and no `<ABSTRACT>`. Other elements (`<LOGO>`, `<USAGE>`, `<SCHEDULE>`) go under `extensions`.
enum CDFItemMapper {
    static func draft(_ item: XMLElement, index: Int, budget: inout Int) throws(ItemTextBudgetExceeded) -> AdvisoryDraft {
        var d = AdvisoryDraft(index: index)
        let base = baseURL(of: item)
        d.baseURL = base
        if let href = attribute(item, "href")?.trimmingSpaces, !href.isEmpty {
            d.url = URLResolver.resolve(href, against: base)
        }
        if let lastmod = attribute(item, "lastmod"), !lastmod.trimmingSpaces.isEmpty {
            // CDF has one date, the last change: it serves as published too (as an Atom entry's updated does).
            d.setModified("@LASTMOD", lastmod, rank: DateRank.standard)
            d.setPublished("@LASTMOD", lastmod, rank: DateRank.standard)
        }
        var rssLink: XMLElement?
        var rssDescription: XMLElement?
        for child in item.children {
            let name = child.localName
            if child.namespace == nil {
                if d.title == nil, FeedDialect.isCDF(name, "title") {
                    d.title = try child.text(budget: &budget)
                    continue
                }
                if d.summary == nil, FeedDialect.isCDF(name, "abstract") {
                    d.summary = try child.text(budget: &budget).trimmingSpaces
                    d.summaryIsHTML = false
                    continue
                }
                if rssLink == nil, name == "link" { rssLink = child; continue }
                if rssDescription == nil, name == "description" { rssDescription = child; continue }
            }
            ExtensionBag.add(child.qualifiedName, try ExtensionLinks.value(child, budget: &budget), to: d.extensions)
        }
        if let link = rssLink {
            let text = try link.text(budget: &budget).trimmingSpaces
            if d.url == nil, !text.isEmpty { d.url = URLResolver.resolve(text, against: base) }
            else { ExtensionBag.add(link.qualifiedName, try ExtensionLinks.value(link, budget: &budget), to: d.extensions) }
        }
        if let description = rssDescription {
            if d.summary == nil {
                d.summary = try description.htmlText(budget: &budget)
                d.summaryIsHTML = true   // an RSS description is HTML
            } else {
                ExtensionBag.add(description.qualifiedName, try ExtensionLinks.value(description, budget: &budget), to: d.extensions)
            }
        }
        return d
    }

    /// A CDF attribute, written upper case (`HREF`), lower case or capitalised.
    static func attribute(_ e: XMLElement, _ lower: String) -> String? {
        e.attribute(lower.uppercased()) ?? e.attribute(lower) ?? e.attribute(lower.prefix(1).uppercased() + lower.dropFirst())
    }

    /// The base for the item's relative links: the nearest `BASE` attribute (on the item or a channel
    /// around it), itself read against xml:base and the document's URL.
    static func baseURL(of item: XMLElement) -> String? {
        let inherited = item.baseURL
        var node: UnsafeMutablePointer<xmlNode>? = item.node
        while let n = node, n.pointee.type == XML_ELEMENT_NODE {
            if let base = attribute(XMLElement(node: n), "base")?.trimmingSpaces, !base.isEmpty {
                return URLResolver.resolve(base, against: inherited)
            }
            node = n.pointee.parent
        }
        return inherited
    }
}
