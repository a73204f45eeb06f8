import CSCore

/// The fields people read in a table or a digest, taken from a scanned record. Held for every
/// record only by the formats that must see all records before printing (table, markdown).
public struct AdvisorySummary: Sendable {
    public struct Mapping: Sendable, Equatable {
        public var id: String
        public var name: String
        /// Where the mapping came from ("phrase:brute force", "model:0.93").
        public var via: [String] = []
        /// The sentences a technique model scored (record.md's `evidence`), best first.
        public var evidence: [Evidence] = []

        /// The best model score: the first evidence's, else the highest `model:X` in `via`; nil when none.
        public var bestScore: Double? {
            if let s = evidence.first?.score { return s }
            return via.compactMap { v in v.hasPrefix("model:") ? Double(v.dropFirst(6)) : nil }.max()
        }
    }

    /// One sentence behind a technique: `{"text": "…", "score": 0.93, "field": "content_text"}`.
    public struct Evidence: Sendable, Equatable {
        public var text: String
        public var score: Double?
        public var field: String?
    }
    public var uid: String?
    public var title: String
    public var url: String?
    public var summary: String?
    public var severity: Severity?
    public var published: String?
    public var type: String?
    public var exploited: Bool?
    public var tactics: [Mapping]
    public var techniques: [Mapping]
    public var cves: [String]
    /// CVSS score, KEV listing and EPSS score from cs-enrich's `priority`.
    public var priority: PriorityFacts
    /// Input order, to keep sorting stable.
    public var sequence: Int

    /// `withSummary`: keep the summary text too (the digests show it; the table does not).
    public init(_ r: RecordScanner, sequence: Int, withSummary: Bool = true) {
        self.sequence = sequence
        uid = r.value("uid")?.string
        title = (r.value("title")?.string).map { $0.trimmingSpaces } ?? ""
        url = r.value("url")?.string
        summary = withSummary ? r.value("summary")?.string : nil
        severity = r.value("severity")?.string.flatMap { Severity(parsing: $0) }
        published = r.value("published")?.string
        type = r.value("type")?.string
        exploited = r.value("exploited").flatMap { $0.isTrue ? true : ($0.isFalse ? false : nil) }
        let attack = r.value("attack")
        tactics = AdvisorySummary.mappings(attack?.member("tactics"))
        techniques = AdvisorySummary.mappings(attack?.member("techniques"))
        var cves: [String] = []
        for source in [r.value("cves"), r.value("indicators")?.member("cves")] {
            for c in source?.strings ?? [] where !cves.contains(c) { cves.append(c) }
        }
        self.cves = cves
        priority = PriorityFacts(r)
    }

    static func mappings(_ list: JSONRef?) -> [Mapping] {
        var out: [Mapping] = []
        list?.forEachElement { e in
            if let s = e.string {
                out.append(Mapping(id: s, name: s))
            } else {
                let id = e.member("id")?.string ?? ""
                let name = e.member("name")?.string ?? id
                if !id.isEmpty || !name.isEmpty {
                    out.append(Mapping(id: id, name: name, via: e.member("via")?.strings ?? [], evidence: evidence(e.member("evidence"))))
                }
            }
            return true
        }
        return out
    }

    /// Evidence entries with text, in the record's order (best first); others are skipped.
    static func evidence(_ list: JSONRef?) -> [Evidence] {
        var out: [Evidence] = []
        list?.forEachElement { e in
            if let text = e.member("text")?.string {
                out.append(Evidence(text: text, score: e.member("score")?.number, field: e.member("field")?.string))
            }
            return true
        }
        return out
    }

    /// The date part of `published` (`2026-04-22`), or "" when there is none.
    public var publishedDate: String { published.map { String($0.prefix(10)) } ?? "" }
}

/// How table and markdown order their records.
public enum SinkSort: String, Sendable, CaseIterable {
    /// Most severe first (unrated last), then newest first, then input order.
    case severity
    /// Newest first, then input order.
    case published
    /// Input order.
    case none

    func sorted(_ items: [AdvisorySummary]) -> [AdvisorySummary] {
        if self == .none { return items }
        // Sorts indices by precomputed keys: moving whole summaries around costs far more.
        let ranks = items.map { self == .severity ? ($0.severity?.rawValue ?? -1) : 0 }
        let dates = items.map { Array(($0.published ?? "").utf8) }
        let order = items.indices.sorted { a, b in
            if ranks[a] != ranks[b] { return ranks[a] > ranks[b] }
            if dates[a] != dates[b] { return dates[a].lexicographicallyPrecedes(dates[b]) == false }
            return items[a].sequence < items[b].sequence
        }
        return order.map { items[$0] }
    }
}
