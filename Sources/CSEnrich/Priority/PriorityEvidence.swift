import CSCore

/// A vendor's rating found in the item ("severity: critical", "[Important]", a "high-severity" category).
public struct RatingEvidence: Equatable, Sendable {
    /// The rating as written ("Important").
    public var rating: String
    public var severity: Severity
    public var via: String
}

/// A CISA KEV catalog entry for one of the record's CVEs.
public struct KEVEntry: Equatable, Sendable {
    public var cve: String
    public var dateAdded: String?
    public var dueDate: String?
    public var knownRansomwareCampaignUse: String?
    public var requiredAction: String?
}

/// FIRST's EPSS score of one of the record's CVEs.
public struct EPSSEntry: Equatable, Sendable {
    public var cve: String
    public var score: Double
    public var percentile: Double
    /// The `score_date` of the EPSS file, when its comment line gave one.
    public var date: String?
}

/// Everything cs-enrich found about how urgent a record is; written as the record's `priority` member.
public struct PriorityEvidence: Equatable {
    public var cvss: [CVSSScore] = []
    public var ratings: [RatingEvidence] = []
    public var kev: [KEVEntry] = []
    public var epss: [EPSSEntry] = []
    /// Why some evidence was not used (malformed vector, score out of range, contradictory ratings):
    /// reported as warnings with the record's position.
    public var problems: [String] = []

    public init() {}

    mutating func add(_ s: CVSSScore) {
        if !cvss.contains(where: { $0.version == s.version && $0.vector == s.vector && $0.score == s.score }) { cvss.append(s) }
    }

    mutating func add(_ r: RatingEvidence) {
        if !ratings.contains(where: { $0.severity == r.severity && $0.via == r.via }) { ratings.append(r) }
    }

    /// The highest severity the evidence supports and the evidence that gives it ("cvss:9.8",
    /// "rating:Critical", "kev:CVE-2024-3400"); nil when there is none. A KEV listing means at least high.
    public var derived: (severity: Severity, via: [String])? {
        var best: Severity? = nil
        var via: [String] = []
        func offer(_ s: Severity, _ v: String) {
            // "rating:Important" from the title and "rating:important" from a category say the same thing once.
            if best == nil || s > best! { best = s; via = [v] }
            else if s == best!, !via.contains(where: { $0.lowercased() == v.lowercased() }) { via.append(v) }
        }
        for c in cvss { offer(c.severity, "cvss:" + CVSSScore.format(c.score)) }
        for r in ratings { offer(r.severity, "rating:" + r.rating) }
        for k in kev { offer(.high, "kev:" + k.cve) }
        guard let best else { return nil }
        return (best, via)
    }

    public var isEmpty: Bool { cvss.isEmpty && ratings.isEmpty && kev.isEmpty && epss.isEmpty }
}

extension CVSSScore {
    /// "9.8", "10.0", "0.0": one decimal, as scores are written.
    public static func format(_ score: Double) -> String {
        let tenths = Int((score * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
