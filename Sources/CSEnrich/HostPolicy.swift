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
        if Self.forEachParent(of: name, { Self.excludedHosts.contains($0) }) { return false }
        if let url, Self.referencePaths.contains(where: { reference in
            let path = Self.path(ofURL: url)
            return name == reference.0 && (path == reference.1 || path.hasPrefix(reference.1 + "/"))
        }) { return false }
        if siteHosts == nil { siteHosts = readSiteHosts() }
        let sites = siteHosts!
        if sites.isEmpty { return true }
        return !Self.forEachParent(of: name) { parent in sites.contains { $0 == parent } }
    }

    private static let excludedHosts = Set((referenceHosts + namespaceHosts).map { Substring($0) })

    /// Calls `matches` with `name` and each parent domain of it ("a.b.c", "b.c", "c") until it returns
    /// true; returns whether it did. No allocation: these are slices of `name`.
    static func forEachParent(of name: String, _ matches: (Substring) -> Bool) -> Bool {
        var rest = name[...]
        while true {
            if matches(rest) { return true }
            guard let dot = rest.utf8.firstIndex(of: UInt8(ascii: ".")) else { return false }
            rest = rest[rest.utf8.index(after: dot)...]
        }
    }

    /// Whether a defanged form was refanged inside `range` of the text.
    func isDefanged(_ range: Range<Int>) -> Bool {
        // A few marks per record at most, in order: the first at or after the range's start decides.
        for m in defanged where Int(m) >= range.lowerBound { return Int(m) < range.upperBound }
        return false
    }

    static func withoutWWW(_ host: String) -> String {
        host.utf8.count > 4 && host.utf8.starts(with: "www.".utf8) ? String(decoding: host.utf8.dropFirst(4), as: UTF8.self) : host
    }

    /// "https://github.com/advisories/GHSA-x" -> "/advisories/GHSA-x"
    static func path(ofURL url: String) -> Substring {
        guard let rest = afterScheme(url) else { return "" }
        return rest.utf8.firstIndex(of: UInt8(ascii: "/")).map { rest[$0...] } ?? ""
    }

    /// "https://user@www.Vendor.com:443/x" -> "vendor.com"; nil when there is no host. Works on the
    /// bytes: it runs for every record that has a link to check.
    static func host(ofURL url: String) -> String? {
        var url = url
        return url.withUTF8 { u -> String? in
            var start = 0
            while start + 2 < u.count, u[start] != UInt8(ascii: ":") { start += 1 }
            guard start + 2 < u.count, u[start + 1] == UInt8(ascii: "/"), u[start + 2] == UInt8(ascii: "/") else { return nil }
            start += 3
            var end = start
            while end < u.count, u[end] != UInt8(ascii: "/"), u[end] != UInt8(ascii: "?"), u[end] != UInt8(ascii: "#") { end += 1 }
            var h = start
            for k in start..<end where u[k] == UInt8(ascii: "@") { h = k + 1 }
            let stop: UInt8
            if h < end, u[h] == UInt8(ascii: "[") { h += 1; stop = UInt8(ascii: "]") } else { stop = UInt8(ascii: ":") }
            var e = h
            while e < end, u[e] != stop { e += 1 }
            guard e > h else { return nil }
            let lowered = u[h..<e].map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
            return withoutWWW(String(decoding: lowered, as: UTF8.self))
        }
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
