import CSCore

extension ECSFormatter {
    /// cs-enrich's priority in ECS: the highest CVSS score as `vulnerability.score.base` (with
    /// `vulnerability.score.version`, `vulnerability.classification: "CVSS"` and `vulnerability.severity`);
    /// ECS has no fields for KEV and EPSS, so they go to `labels.kev` (the listed CVEs) and `labels.epss_score`.
    static func setPriority(_ p: PriorityFacts, vulnerability: JSON?, labels doc: JSON) {
        if let v = vulnerability, let s = p.cvssScore {
            let score = JSON.object()
            score.set("base", .double(s))
            if let version = p.cvssVersion { score.set("version", .string(version)) }
            v.set("score", score)
            v.set("classification", .string("CVSS"))
            v.set("severity", .string(CVSSRanges.severity(s).name))
        }
        guard !p.kev.isEmpty || p.epssScore != nil else { return }
        let labels = doc["labels"] ?? JSON.object()
        if !p.kev.isEmpty { labels.set("kev", .string(p.kev.joined(separator: ","))) }
        if let e = p.epssScore { labels.set("epss_score", .string(PriorityFacts.probability(e))) }
        doc.set("labels", labels)
    }
}

/// CVSS's qualitative ranges (the same as cs-enrich's): 0.1-3.9 low, 4.0-6.9 medium, 7.0-8.9 high, 9.0-10.0 critical.
enum CVSSRanges {
    static func severity(_ score: Double) -> Severity {
        score >= 9 ? .critical : score >= 7 ? .high : score >= 4 ? .medium : score > 0 ? .low : .info
    }
}
