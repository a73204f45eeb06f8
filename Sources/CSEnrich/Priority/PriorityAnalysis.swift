import CSCore

/// Gathers a record's priority evidence and decides its severity.
enum PriorityAnalysis {
    /// Evidence from the text (title, summary, content_text), the title's rating brackets, the tags and the
    /// `extensions` fields.
    static func evidence(scanner: RecordScanner, text: UnsafeBufferPointer<UInt8>) -> PriorityEvidence {
        var e = PriorityEvidence()
        EvidenceScanner.scan(text, via: "text", into: &e)
        if let title = scanner.value("title")?.string { FieldEvidence.title(title, into: &e) }
        scanner.value("tags")?.forEachElement { tag in
            if let s = tag.string { FieldEvidence.tag(s, into: &e) }
            return true
        }
        if let ext = scanner.value("extensions") { FieldEvidence.extensions(ext, into: &e) }
        // Ratings that disagree are not evidence: the item says both, and guessing which is meant is not ours to do.
        if let first = e.ratings.first, e.ratings.contains(where: { $0.severity != first.severity }) {
            let listed = e.ratings.map { "\($0.severity) (\($0.via))" }.joined(separator: ", ")
            e.problems.append("contradictory severity ratings: \(listed); ratings not used")
            e.ratings.removeAll()
        }
        return e
    }

    /// The KEV entries and EPSS scores of the record's CVEs.
    static func lookUp(cves: [String], in data: PriorityData, into e: inout PriorityEvidence) {
        for cve in cves {
            if let k = data.kev?.entry(forCVE: cve) { e.kev.append(k) }
            if let s = data.epss?.score(forCVE: cve) {
                e.epss.append(EPSSEntry(cve: cve, score: Double(s.score), percentile: Double(s.percentile), date: data.epss?.scoreDate))
            }
        }
    }

    /// What the record's `severity` becomes. `stated` is the feed's own; derived evidence fills a null one,
    /// and raises a stated one only with `reassess`.
    static func decide(stated: Severity?, evidence: PriorityEvidence, reassess: Bool) -> (severity: Severity?, via: [String]) {
        let derived = evidence.derived
        guard let stated else { return derived.map { ($0.severity, $0.via) } ?? (nil, []) }
        if reassess, let d = derived, d.severity > stated { return (d.severity, d.via) }
        return (stated, ["feed"])
    }
}
