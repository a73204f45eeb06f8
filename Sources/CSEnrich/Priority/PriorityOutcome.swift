import CSCore

/// What priority evidence changes in a record: `severity` (a null one filled, or a stated one raised with
/// `--reassess`), `severities` (gains that severity), `exploited` (true for a KEV-listed CVE where the feed
/// said nothing), and the `priority` member's `feed_severity` and `severity_via`.
struct PriorityOutcome {
    /// The severity the feed stated: the record's own, or, for a record enriched before, `priority.feed_severity`
    /// (so that enriching twice gives the same record).
    var feedSeverity: Severity?
    var severityVia: [String] = []
    /// The record's `severity` becomes this (nil: leave it as it is).
    var setSeverity: Severity?? = nil
    /// `severities` gains this.
    var addSeverity: Severity? = nil
    var setExploited = false

    init(scanner: RecordScanner, evidence: PriorityEvidence, reassess: Bool) {
        let current = scanner.value("severity")
        if let earlier = scanner.value("priority")?.member("feed_severity") {
            feedSeverity = earlier.string.flatMap(Severity.init(parsing:))
        } else {
            feedSeverity = current?.string.flatMap(Severity.init(parsing:))
        }
        let decision = PriorityAnalysis.decide(stated: feedSeverity, evidence: evidence, reassess: reassess)
        severityVia = decision.via
        let currentSeverity = current?.string.flatMap(Severity.init(parsing:))
        if let target = decision.severity {
            if current == nil || currentSeverity != target || !(current!.isString) { setSeverity = .some(target) }
            let listed = scanner.value("severities")?.strings ?? []
            if !listed.contains(where: { Severity(parsing: $0) == target }) { addSeverity = target }
        } else if let current, !current.isNull {
            // Enriched before with evidence that is gone now (no KEV data this time): back to what the feed said.
            setSeverity = .some(nil)
        }
        if !evidence.kev.isEmpty {
            let exploited = scanner.value("exploited")
            if exploited == nil || exploited!.isNull { setExploited = true }
        }
    }

    var changesRecord: Bool { setSeverity != nil || addSeverity != nil || setExploited }

    /// Byte edits of the line for the fast path: (range in the line, replacement), in order; and members the
    /// record lacks, to be appended.
    func edits(scanner: RecordScanner, line: UnsafeBufferPointer<UInt8>) -> (replace: [(Range<Int>, [UInt8])], append: [UInt8]) {
        let base = line.baseAddress!
        var replace: [(Range<Int>, [UInt8])] = []
        var append: [UInt8] = []
        func range(_ r: JSONRef) -> Range<Int> { (r.start - base)..<(r.end - base) }
        func quoted(_ s: Severity) -> [UInt8] { Array("\"\(s.name)\"".utf8) }
        if let set = setSeverity {
            let value = set.map(quoted) ?? Array("null".utf8)
            if let r = scanner.value("severity") { replace.append((range(r), value)) }
            else { append += Array(",\"severity\":".utf8) + value }
        }
        if let add = addSeverity {
            if let r = scanner.value("severities"), r.isArray {
                var empty = true
                r.forEachElement { _ in empty = false; return false }
                if empty { replace.append((range(r), [UInt8(ascii: "[")] + quoted(add) + [UInt8(ascii: "]")])) }
                else { let close = r.end - base - 1; replace.append((close..<close, [UInt8(ascii: ",")] + quoted(add))) }
            } else if let r = scanner.value("severities") {
                replace.append((range(r), [UInt8(ascii: "[")] + quoted(add) + [UInt8(ascii: "]")]))
            } else {
                append += Array(",\"severities\":[".utf8) + quoted(add) + [UInt8(ascii: "]")]
            }
        }
        if setExploited {
            if let r = scanner.value("exploited") { replace.append((range(r), Array("true".utf8))) }
            else { append += Array(",\"exploited\":true".utf8) }
        }
        replace.sort { $0.0.lowerBound < $1.0.lowerBound }
        return (replace, append)
    }

    /// The same changes on a parsed record (the rebuild path).
    func apply(to record: JSON) {
        if let set = setSeverity { record.set("severity", set.map { .string($0.name) } ?? .null) }
        if let add = addSeverity {
            let list = record["severities"].flatMap { $0.kind == .array ? $0.deepCopy() : nil } ?? .array()
            list.append(.string(add.name))
            record.set("severities", list)
        }
        if setExploited { record.set("exploited", .bool(true)) }
    }
}
