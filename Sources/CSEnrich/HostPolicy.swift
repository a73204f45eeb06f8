import CSCore

/// Which URLs and host names in a record's text are indicators. Not indicators:
/// - the advisory's own site: the host of the record's `url`, `source.home_page_url` or `source.feed_url`,
///   and its subdomains ("www." dropped first, so www.vendor.com stands for vendor.com);
/// - references: `referenceHosts` (ATT&CK, CVE, NVD, CWE… and their subdomains), and GitHub's advisory
///   database (`github.com/advisories/…`, as a URL only: other GitHub links stay);
/// - XML namespace URIs and schema hosts: `namespaceHosts` (www.w3.org…).
/// (Documentation names such as example.com are never domains; see `IndicatorScanner.domain`.)
/// A defanged form (`hxxps://`, `[.]`) is always an indicator: its author marked it as one on purpose.
/// One instance per Enricher, reset for every record; the site's hosts are read only when needed.
final class HostPolicy {
    static let referenceHosts = ["attack.mitre.org", "cve.mitre.org", "cwe.mitre.org", "capec.mitre.org", "d3fend.mitre.org",
                                 "cve.org", "nvd.nist.gov", "first.org", "osv.dev"]
    /// Host and path prefix: references on hosts that also serve other things.
    static let referencePaths = [("github.com", "/advisories")]
    static let namespaceHosts = ["w3.org", "purl.org", "schemas.xmlsoap.org", "schemas.openxmlformats.org",
                                 "schemas.microsoft.com", "ns.adobe.com"]

    /// The record being enriched; its site's hosts are read from it on first need.
    private var record: RecordScanner? = nil
    private var siteHosts: [String]? = nil
    /// Offsets of the refanged forms in the text (ascending; see TextBuffer.defanged).
    private var defanged: [Int32] = []

    func reset(_ record: RecordScanner, defanged: [Int32]) {
        self.record = record
        siteHosts = nil
        self.defanged = defanged
    }

    private func readSiteHosts() -> [String] {
        guard let record else { return [] }
        var urls = [record.value("url")]
        if let source = record.value("source"), source.isObject {
            urls += [source.member("home_page_url"), source.member("feed_url")]
        }
        return urls.compactMap { $0?.string.flatMap(Self.host(ofURL:)) }
    }

    /// Whether `host` (lowercased), found at `range` of the text, is an indicator; `url` is the URL it
    /// came from, if any.
    func isIndicator(host: String, url: String? = nil, at range: Range<Int>) -> Bool {
        if isDefanged(range) { return true }
        let name = Self.withoutWWW(host)
        if Self.referenceHosts.contains(where: { Self.isWithin(name, $0) }) { return false }
        if Self.namespaceHosts.contains(where: { Self.isWithin(name, $0) }) { return false }
        if let url, Self.referencePaths.contains(where: { reference in
            let path = Self.path(ofURL: url)
            return name == reference.0 && (path == reference.1 || path.hasPrefix(reference.1 + "/"))
        }) { return false }
        if siteHosts == nil { siteHosts = readSiteHosts() }
        return !siteHosts!.contains(where: { Self.isWithin(name, $0) })
    }

    /// Whether a defanged form was refanged inside `range` of the text.
    func isDefanged(_ range: Range<Int>) -> Bool {
        // A few marks per record at most, in order: the first at or after the range's start decides.
        for m in defanged where Int(m) >= range.lowerBound { return Int(m) < range.upperBound }
        return false
    }

    /// `name` is `site` or one of its subdomains.
    static func isWithin(_ name: String, _ site: String) -> Bool {
        name == site || (name.utf8.count > site.utf8.count && name.hasSuffix(site) && name.utf8.dropLast(site.utf8.count).last == UInt8(ascii: "."))
    }

    static func withoutWWW(_ host: String) -> String {
        host.hasPrefix("www.") && host.utf8.count > 4 ? String(host.dropFirst(4)) : host
    }

    /// "https://github.com/advisories/GHSA-x" -> "/advisories/GHSA-x"
    static func path(ofURL url: String) -> Substring {
        guard let rest = afterScheme(url) else { return "" }
        return rest.firstIndex(of: "/").map { rest[$0...] } ?? ""
    }

    /// "https://user@www.Vendor.com:443/x" -> "vendor.com"; nil when there is no host.
    static func host(ofURL url: String) -> String? {
        guard let rest = afterScheme(url) else { return nil }
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("[") {
            authority = authority.dropFirst().prefix { $0 != "]" }
        } else if let colon = authority.firstIndex(of: ":") {
            authority = authority[..<colon]
        }
        guard !authority.isEmpty else { return nil }
        return withoutWWW(authority.lowercased())
    }

    /// What follows "scheme://".
    static func afterScheme(_ url: String) -> Substring? {
        let u = url.utf8
        var i = u.startIndex
        while i != u.endIndex, u[i] != UInt8(ascii: ":") { i = u.index(after: i) }
        guard u[i...].starts(with: "://".utf8) else { return nil }
        return url[u.index(i, offsetBy: 3)...]
    }
}
