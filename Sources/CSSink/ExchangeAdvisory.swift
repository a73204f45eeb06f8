import CSCore

/// What the exchange formats (Navigator, STIX, MISP) take from one record: its identity, dates,
/// text, ATT&CK mappings (with cs-enrich's evidence when a model gave it) and indicators. Read from
/// the scanned line and dropped after the record is written.
struct ExchangeAdvisory {
    struct Mapping {
        var id: String
        var name: String
        /// Model evidence (`attack.techniques[].evidence`): the sentences that gave the mapping.
        var evidence: [String] = []
    }

    /// One indicator, typed as cs-enrich lists it.
    struct Indicator {
        enum Kind: String, CaseIterable { case ipv4, ipv6, domain, url, md5, sha1, sha256 }
        var kind: Kind
        var value: String
    }

    var uid: String
    var title: String
    var url: String?
    var summary: String?
    var published: String?
    var modified: String?
    var fetchedAt: String?
    var severity: Severity?
    var tags: [String]
    var feedTitle: String?
    var feedURL: String?
    var homePageURL: String?
    var tactics: [Mapping]
    var techniques: [Mapping]
    var groups: [Mapping]
    var software: [Mapping]
    /// Well-formed CVE IDs only (`CVE-2024-3400`): the formats give each its own object.
    var cves: [String]
    var indicators: [Indicator]

    /// Without a uid, one is made from the line's bytes, so ids stay deterministic.
    init(_ line: UnsafeBufferPointer<UInt8>, _ r: RecordScanner) {
        uid = r.value("uid")?.string ?? SHA256.hex(Array(line))
        title = (r.value("title")?.string).map { ExchangeAdvisory.plain($0) } ?? ""
        url = r.value("url")?.string
        summary = (r.value("summary")?.string).map { ExchangeAdvisory.plain($0) }
        published = ExchangeAdvisory.date(r.value("published"))
        modified = ExchangeAdvisory.date(r.value("modified"))
        let source = r.value("source")
        fetchedAt = ExchangeAdvisory.date(source?.member("fetched_at"))
        feedTitle = source?.member("feed_title")?.string
        feedURL = source?.member("feed_url")?.string
        homePageURL = source?.member("home_page_url")?.string
        severity = r.value("severity")?.string.flatMap { Severity(parsing: $0) }
        tags = r.value("tags")?.strings ?? []
        let attack = r.value("attack")
        tactics = ExchangeAdvisory.mappings(attack?.member("tactics"))
        techniques = ExchangeAdvisory.mappings(attack?.member("techniques"))
        groups = ExchangeAdvisory.mappings(attack?.member("groups"))
        software = ExchangeAdvisory.mappings(attack?.member("software"))
        let found = r.value("indicators")
        var cves: [String] = []
        for source in [r.value("cves"), found?.member("cves")] {
            for c in source?.strings ?? [] {
                let id = c.uppercased()
                if ExchangeAdvisory.isCVE(id) && !cves.contains(id) { cves.append(id) }
            }
        }
        self.cves = cves
        var indicators: [Indicator] = []
        let lists: [(Indicator.Kind, JSONRef?)] = [
            (.ipv4, found?.member("ipv4")), (.ipv6, found?.member("ipv6")), (.domain, found?.member("domains")),
            (.url, found?.member("urls")), (.md5, found?.member("md5")), (.sha1, found?.member("sha1")),
            (.sha256, found?.member("sha256")),
        ]
        for (kind, list) in lists {
            var seen = Set<String>()
            for value in list?.strings ?? [] where !value.isEmpty && seen.insert(value).inserted {
                indicators.append(Indicator(kind: kind, value: value))
            }
        }
        self.indicators = indicators
    }

    /// The advisory's first date: published, else modified, else when it was fetched. Nil without
    /// any (the formats then use a fixed date rather than the clock, so output stays reproducible).
    var firstDate: String? { published ?? modified ?? fetchedAt }
    /// The latest of its dates (never earlier than `firstDate`).
    var lastDate: String? {
        [published, modified, fetchedAt].compactMap { $0 }.max()
    }

    /// A date as RFC 3339 UTC to the second, or nil when the value is not one (a hostile record's
    /// "published" does not reach a format's timestamp fields).
    static func date(_ value: JSONRef?) -> String? {
        guard let text = value?.string, let epoch = RFC3339.parse(text), epoch >= 0 else { return nil }
        return RFC3339.format(epochSeconds: epoch)
    }

    /// Feed text as one plain line: control characters as spaces, bidirectional overrides and
    /// isolates (U+202A-U+202E, U+2066-U+2069) dropped, so a title cannot reorder what a tool shows.
    static func plain(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for ch in ControlCharacters.spaced(text).unicodeScalars
        where !(0x202A...0x202E).contains(ch.value) && !(0x2066...0x2069).contains(ch.value) {
            out.append(ch)
        }
        return String(out).trimmingSpaces
    }

    /// When no date is known: a fixed one, not the clock, so output stays reproducible.
    static let unknownDate = "1970-01-01T00:00:00Z"

    static func mappings(_ list: JSONRef?) -> [Mapping] {
        var out: [Mapping] = []
        list?.forEachElement { e in
            if let s = e.string {
                if !s.isEmpty, !out.contains(where: { $0.id == s }) { out.append(Mapping(id: s, name: s)) }
                return true
            }
            let id = e.member("id")?.string ?? ""
            let name = e.member("name")?.string ?? id
            guard !id.isEmpty, !out.contains(where: { $0.id == id }) else { return true }
            var evidence: [String] = []
            e.member("evidence")?.forEachElement { item in
                if let text = (item.member("text")?.string ?? item.string).map(ExchangeAdvisory.plain), !text.isEmpty { evidence.append(text) }
                return true
            }
            out.append(Mapping(id: id, name: name, evidence: evidence))
            return true
        }
        return out
    }

    static func isCVE(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == "CVE" && parts[1].count == 4 && parts[2].count >= 4
            && (parts[1] + parts[2]).allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// An http(s) URL with nothing a URI may not hold (spaces, quotes, angle brackets, controls), else nil.
    static func safeURL(_ url: String) -> String? {
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return nil }
        for ch in url.unicodeScalars where ch.value <= 0x20 || ch.value == 0x7F || "\"<>\\^`{|}".unicodeScalars.contains(ch) || (ch.value >= 0x80 && ch.value < 0xA0) {
            return nil
        }
        return url
    }
}
