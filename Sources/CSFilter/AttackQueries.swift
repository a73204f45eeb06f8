import CSAttack
import CSCore

/// `--tactic X`: an ATT&CK tactic given by ID (`TA0006`) or by name in any spelling
/// (`credential_access`, `Credential Access`, `credential-access`, `attack.credential_access`).
///
/// A record matches when its `attack.tactics` lists the tactic (by `id`, or by `name` compared in
/// canonical form). A record without an `attack` member (not enriched) matches when one of its tags
/// is the tactic's canonical name (`credential-access`, also with an `attack.` prefix) or its ID.
struct TacticQuery {
    let id: [UInt8]             // lower case, e.g. "ta0006"
    let canonicalName: [UInt8]? // e.g. "credential-access"
    // Precomputed so that matching allocates nothing.
    private let names: CanonicalValues
    private let tagForms: CanonicalValues

    init(parsing text: String) throws(FilterSpecError) {
        var t = text.trimmingSpaces
        if t.lowercased().hasPrefix("attack.") { t = String(t.dropFirst(7)) }
        if TacticQuery.isTacticID(t) {
            id = Array(t.lowercased().utf8)
            canonicalName = ATTACK.tactic(id: t).map { Array(Tag.canonical($0.name).utf8) }
        } else {
            let canonical = Tag.canonical(t)
            guard let known = ATTACK.tactics.first(where: { Tag.canonical($0.name) == canonical }) else {
                let names = ATTACK.tactics.map { Tag.canonical($0.name) }.joined(separator: ", ")
                throw FilterSpecError("--tactic: unknown tactic '\(text)' (use an ID such as TA0006, or one of: \(names))")
            }
            id = Array(known.id.lowercased().utf8)
            canonicalName = Array(canonical.utf8)
        }
        names = CanonicalValues(canonical: canonicalName.map { [$0] } ?? [])
        var forms = [id, Array("attack.".utf8) + id]
        if let canonicalName { forms += [canonicalName, Array("attack.".utf8) + canonicalName] }
        tagForms = CanonicalValues(canonical: forms)
    }

    static func isTacticID(_ t: String) -> Bool {
        let b = Array(t.utf8)
        return b.count == 6 && (b[0] | 0x20) == UInt8(ascii: "t") && (b[1] | 0x20) == UInt8(ascii: "a")
            && b[2...].allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// `confidence`: `--min-confidence`, under which a tactic that only weak model techniques implied does not count.
    func matches(_ record: RecordScanner, confidence: ModelConfidence? = nil) -> Bool {
        if let attack = record.value("attack"), !attack.isNull {
            guard let tactics = attack.member("tactics") else { return false }
            var found = false
            var weak: [[UInt8]]? = nil
            tactics.forEachElement { e in
                guard matchesEntry(e) else { return true }
                if let confidence {
                    if weak == nil { weak = confidence.weakTechniqueIDs(record) }
                    if confidence.isWeakTactic(e, weak: weak!) { return true }
                }
                found = true
                return false
            }
            return found
        }
        return matchesTags(record)
    }

    /// One element of `attack.tactics`: an object with `id`/`name`, or a bare ID or name string.
    private func matchesEntry(_ e: JSONRef) -> Bool {
        if e.isString { return matchesIDOrName(e) }
        if let idRef = e.member("id"), matchesID(idRef) { return true }
        if let nameRef = e.member("name"), matchesName(nameRef) { return true }
        return false
    }

    private func matchesIDOrName(_ s: JSONRef) -> Bool { matchesID(s) || matchesName(s) }

    private func matchesID(_ s: JSONRef) -> Bool {
        guard let (content, _) = s.stringContent else { return false }
        return ByteText.equalIgnoringASCIICase(content, id)
    }

    private func matchesName(_ s: JSONRef) -> Bool { names.matches(s) }

    private func matchesTags(_ record: RecordScanner) -> Bool {
        guard let tags = record.value("tags") else { return false }
        return tagForms.matchesAny(tags)
    }
}

/// `--technique X`: a technique ID (`T1110` also matches its sub-techniques `T1110.001`...;
/// `T1110.003` matches only itself) or a technique name in any spelling (`brute_force`).
/// Matched against `attack.techniques` (`id`, canonical `name`); a record without `attack`
/// matches on a tag equal to the ID or the canonical name.
struct TechniqueQuery {
    let id: [UInt8]?            // lower case, e.g. "t1110"
    let includesSubtechniques: Bool
    let canonicalName: [UInt8]?
    private let names: CanonicalValues
    private let subPrefix: [UInt8]

    init(parsing text: String) throws(FilterSpecError) {
        var t = text.trimmingSpaces
        if t.lowercased().hasPrefix("attack.") { t = String(t.dropFirst(7)) }
        guard !t.isEmpty else { throw FilterSpecError("--technique: empty value") }
        if TechniqueQuery.isTechniqueID(t) {
            id = Array(t.lowercased().utf8)
            includesSubtechniques = !t.contains(".")
            canonicalName = nil
        } else {
            id = nil
            includesSubtechniques = false
            canonicalName = Array(Tag.canonical(t).utf8)
        }
        names = CanonicalValues(canonical: canonicalName.map { [$0] } ?? [])
        subPrefix = (id ?? []) + [UInt8(ascii: ".")]
    }

    /// T and four digits, optionally a dot and three digits.
    static func isTechniqueID(_ t: String) -> Bool {
        let b = Array(t.utf8)
        guard b.count == 5 || b.count == 9, (b[0] | 0x20) == UInt8(ascii: "t") else { return false }
        let digits = { (r: ArraySlice<UInt8>) in r.allSatisfy { $0 >= 48 && $0 <= 57 } }
        if b.count == 5 { return digits(b[1...4]) }
        return digits(b[1...4]) && b[5] == UInt8(ascii: ".") && digits(b[6...8])
    }

    /// `confidence`: `--min-confidence`, under which a technique only a model mapped with a lower score does not count.
    func matches(_ record: RecordScanner, confidence: ModelConfidence? = nil) -> Bool {
        if let attack = record.value("attack"), !attack.isNull {
            guard let techniques = attack.member("techniques") else { return false }
            var found = false
            techniques.forEachElement { e in
                if let confidence, confidence.isWeakTechnique(e) { return true }
                let idRef = e.isString ? e : e.member("id")
                let nameRef = e.isString ? e : e.member("name")
                if let idRef, matchesID(idRef) { found = true; return false }
                if let nameRef, matchesName(nameRef) { found = true; return false }
                return true
            }
            return found
        }
        guard let tags = record.value("tags") else { return false }
        var found = false
        tags.forEachElement { e in
            if matchesID(e) || matchesName(e) { found = true; return false }
            return true
        }
        return found
    }

    private func matchesID(_ s: JSONRef) -> Bool {
        guard let id, let (content, _) = s.stringContent else { return false }
        if ByteText.equalIgnoringASCIICase(content, id) { return true }
        return includesSubtechniques && content.count == id.count + 4
            && ByteText.hasPrefixIgnoringASCIICase(content, subPrefix)
    }

    private func matchesName(_ s: JSONRef) -> Bool { names.matches(s) }
}
