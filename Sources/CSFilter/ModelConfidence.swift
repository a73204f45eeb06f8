import CSCore

/// `--min-confidence X`: which ATT&CK mappings count for `--technique` and `--tactic`. A technique that
/// only a model mapped (every `via` is `model:SCORE`) counts when its best score is at least X; one
/// with any other `via` (a tag, an ID or a name in the text) always counts. A tactic counts unless all it
/// came from is techniques that do not count (`via` only `technique:ID` of such techniques).
struct ModelConfidence {
    let minimum: Double

    /// A technique entry of `attack.techniques` that does not count.
    func isWeakTechnique(_ e: JSONRef) -> Bool {
        guard e.isObject, let via = e.member("via") else { return false }
        var best: Double? = nil, onlyModel = true, any = false
        via.forEachElement { v in
            any = true
            guard let s = v.string, s.hasPrefix("model:") else { onlyModel = false; return false }
            if let score = Double(s.dropFirst(6)) { best = max(best ?? score, score) }
            return true
        }
        return any && onlyModel && (best ?? 0) < minimum
    }

    /// The IDs (lowercase) of the record's techniques that do not count.
    func weakTechniqueIDs(_ record: RecordScanner) -> [[UInt8]] {
        var ids: [[UInt8]] = []
        record.value("attack")?.member("techniques")?.forEachElement { e in
            if isWeakTechnique(e), let id = e.member("id")?.string { ids.append(Array(id.lowercased().utf8)) }
            return true
        }
        return ids
    }

    /// A tactic entry of `attack.tactics` that does not count: every `via` is `technique:ID` with ID in `weak`.
    func isWeakTactic(_ e: JSONRef, weak: [[UInt8]]) -> Bool {
        guard !weak.isEmpty, e.isObject, let via = e.member("via") else { return false }
        var allWeak = true, any = false
        via.forEachElement { v in
            any = true
            guard let s = v.string, s.hasPrefix("technique:"), weak.contains(Array(s.dropFirst(10).lowercased().utf8)) else {
                allWeak = false
                return false
            }
            return true
        }
        return any && allWeak
    }
}
