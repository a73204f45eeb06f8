import CSAttack
import CSCore

/// The HTML report's counts, added to as records stream in: by severity, by feed, by published day,
/// and which advisories (by number) map to each technique, group, software, CVE and indicator.
/// Dictionaries are only for adding up: everything leaves them sorted, so the same input gives
/// the same bytes.
struct ReportTally {
    struct Named {
        var id: String
        var name: String
        /// A technique's tactic IDs as its first record listed them.
        var tactics: [String] = []
        var advisories: [Int] = []
    }

    struct Feed {
        var title: String
        var url: String
        var count = 0
    }

    /// Index 0 unrated, then `Severity.rawValue + 1`.
    var bySeverity = [Int](repeating: 0, count: Severity.allCases.count + 1)
    var feeds: [String: Feed] = [:]
    /// Day number (days since 1970-01-01) to counts indexed like `bySeverity`.
    var days: [Int: [Int]] = [:]
    var undated = 0
    var techniques: [String: Named] = [:]
    var groups: [String: Named] = [:]
    var software: [String: Named] = [:]
    var cves: [String: [Int]] = [:]
    /// Per indicator kind (`ReportAdvisory.indicatorKinds`), value to advisory numbers.
    var indicators = [[String: [Int]]](repeating: [:], count: ReportAdvisory.indicatorKinds.count)
    var count = 0

    static func severityIndex(_ s: Severity?) -> Int { s.map { $0.rawValue + 1 } ?? 0 }

    mutating func add(_ a: ReportAdvisory) {
        count += 1
        let sev = ReportTally.severityIndex(a.summary.severity)
        bySeverity[sev] += 1
        let feedKey = a.feedURL + "\u{0}" + a.feedTitle
        feeds[feedKey, default: Feed(title: a.feedTitle, url: a.feedURL)].count += 1
        if let day = ReportTally.dayNumber(a.summary.published) {
            days[day, default: [Int](repeating: 0, count: bySeverity.count)][sev] += 1
        } else {
            undated += 1
        }
        for m in a.mappings {
            let key = m.id.isEmpty ? m.name : m.id
            switch m.kind {
            case .technique: ReportTally.note(&techniques, key, m, a.number)
            case .group: ReportTally.note(&groups, key, m, a.number)
            case .software: ReportTally.note(&software, key, m, a.number)
            case .tactic: break   // the matrix places techniques under their tactics
            }
        }
        for c in a.summary.cves where cves[c]?.last != a.number { cves[c, default: []].append(a.number) }
        for (kind, values) in a.indicators.enumerated() {
            for v in values where indicators[kind][v]?.last != a.number { indicators[kind][v, default: []].append(a.number) }
        }
    }

    private static func note(_ table: inout [String: Named], _ key: String, _ m: ReportAdvisory.Mapping, _ number: Int) {
        if table[key]?.advisories.last == number { return }   // listed twice in one record
        table[key, default: Named(id: m.id, name: m.name, tactics: m.tactics)].advisories.append(number)
    }

    /// The day of an RFC 3339 `published` (`2026-04-22T...`), or nil.
    static func dayNumber(_ published: String?) -> Int? {
        guard let p = published, p.utf8.count >= 10 else { return nil }
        let d = Array(p.utf8.prefix(10))
        guard d[4] == UInt8(ascii: "-"), d[7] == UInt8(ascii: "-") else { return nil }
        func number(_ r: Range<Int>) -> Int? {
            var n = 0
            for b in d[r] {
                guard b >= 48 && b <= 57 else { return nil }
                n = n * 10 + Int(b - 48)
            }
            return n
        }
        guard let y = number(0..<4), let m = number(5..<7), let day = number(8..<10),
              (1...12).contains(m), (1...31).contains(day) else { return nil }
        return RFC3339.daysFromCivil(year: y, month: m, day: day)
    }

    /// `2026-04-22` for a day number.
    static func date(_ day: Int) -> String { String(RFC3339.format(epochSeconds: day * 86_400).prefix(10)) }

    /// Most advisories first, then by ID or name: the order of every "top" list.
    static func ranked(_ table: [String: Named]) -> [Named] {
        table.values.sorted { a, b in
            if a.advisories.count != b.advisories.count { return a.advisories.count > b.advisories.count }
            if a.id != b.id { return a.id < b.id }
            return a.name < b.name
        }
    }

    /// The feeds, most advisories first, then by title and URL.
    var rankedFeeds: [Feed] {
        feeds.values.sorted { a, b in
            if a.count != b.count { return a.count > b.count }
            if a.title != b.title { return a.title < b.title }
            return a.url < b.url
        }
    }

    /// The technique's name as ATT&CK displays it and its tactic IDs: from CSAttack when it knows
    /// the ID, else from the record.
    static func placement(_ t: Named) -> (name: String, tactics: [String]) {
        if let known = ATTACK.technique(id: t.id) { return (known.fullName, known.tacticIDs) }
        return (t.name, t.tactics)
    }
}
