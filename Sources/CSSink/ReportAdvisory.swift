import CSCore

/// What the HTML report keeps of one advisory: the digest's fields (`AdvisorySummary`) plus its
/// ATT&CK mappings with their `via` and evidence, its feed and its indicators. Long feed text is
/// cut when the record is read, so memory holds what is shown and no more.
struct ReportAdvisory {
    struct Evidence {
        var text: String
        /// The score's JSON text as the record spells it ("0.93"): shown as is, no float formatting.
        var score: String
        var field: String
    }

    struct Mapping {
        enum Kind: String { case tactic, technique, group, software }
        var kind: Kind
        var id: String
        var name: String
        var via: [String]
        var evidence: [Evidence]
        /// A technique's tactic IDs as the record lists them.
        var tactics: [String]
    }

    /// Titles longer than this are cut (with …): a 100 KB title is a feed's mistake or an attack.
    static let titleLimit = 1000
    static let evidenceLimit = 500
    /// The indicator kinds the report tabulates, in the order it shows them.
    static let indicatorKeys: [StaticString] = ["ipv4", "ipv6", "domains", "urls", "md5", "sha1", "sha256"]
    static let indicatorKinds = indicatorKeys.map(\.description)

    var summary: AdvisorySummary
    /// `source.feed_title`, else `source.feed_url`, else "".
    var feedTitle: String
    var feedURL: String
    var mappings: [Mapping]
    /// Per kind of `indicatorKinds`, the values in the record's order.
    var indicators: [[String]]

    /// 1-based input position: the advisory's anchor (`#adv-N`), stable for the same input.
    var number: Int { summary.sequence + 1 }

    init(_ r: RecordScanner, sequence: Int, summaryLimit: Int) {
        summary = AdvisorySummary(r, sequence: sequence)
        summary.title = ReportAdvisory.cut(summary.title, to: ReportAdvisory.titleLimit)
        summary.summary = summary.summary.map { ReportAdvisory.cut($0.trimmingSpaces, to: summaryLimit) }
        let source = r.value("source")
        feedURL = source?.member("feed_url")?.string ?? ""
        feedTitle = (source?.member("feed_title")?.string).map { $0.trimmingSpaces } ?? ""
        if feedTitle.isEmpty { feedTitle = feedURL }
        let attack = r.value("attack")
        var mappings: [Mapping] = []
        for kind in [Mapping.Kind.tactic, .technique, .group, .software] {
            let key: StaticString = switch kind {
            case .tactic: "tactics"
            case .technique: "techniques"
            case .group: "groups"
            case .software: "software"
            }
            attack?.member(key)?.forEachElement { e in
                if let m = ReportAdvisory.mapping(e, kind: kind) { mappings.append(m) }
                return true
            }
        }
        self.mappings = mappings
        let found = r.value("indicators")
        indicators = ReportAdvisory.indicatorKeys.map { key in
            var values: [String] = []
            found?.member(key)?.forEachElement { e in
                if let s = e.string?.trimmingSpaces, !s.isEmpty, !values.contains(s) { values.append(s) }
                return true
            }
            return values
        }
    }

    static func mapping(_ e: JSONRef, kind: Mapping.Kind) -> Mapping? {
        if let s = e.string {
            return s.isEmpty ? nil : Mapping(kind: kind, id: s, name: s, via: [], evidence: [], tactics: [])
        }
        guard e.isObject else { return nil }
        let id = e.member("id")?.string ?? ""
        let name = e.member("name")?.string ?? id
        guard !id.isEmpty || !name.isEmpty else { return nil }
        let via = e.member("via").map { $0.isString ? [$0.string ?? ""] : $0.strings } ?? []
        var evidence: [Evidence] = []
        e.member("evidence")?.forEachElement { item in
            // The agreed shape holds at most 3, best first; more is a producer's mistake, not more to show.
            guard evidence.count < 3 else { return false }
            let text = item.member("text")?.string ?? ""
            guard !text.isEmpty else { return true }
            let score = item.member("score").flatMap { $0.isNumber ? String(decoding: $0.bytes, as: UTF8.self) : $0.string } ?? ""
            evidence.append(Evidence(text: cut(text, to: evidenceLimit), score: score, field: item.member("field")?.string ?? ""))
            return true
        }
        return Mapping(kind: kind, id: id, name: name, via: via.filter { !$0.isEmpty }, evidence: evidence,
                       tactics: e.member("tactics")?.strings ?? [])
    }

    /// `text` with at most `limit` characters, the last of them `…` when it was cut.
    static func cut(_ text: String, to limit: Int) -> String {
        guard text.unicodeScalars.count > limit else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit - 1))) + "…"
    }
}
