import CSAttack
import CSCore

/// Tags onto ATT&CK: a user mapping (`--map`) first, then a tactic in any spelling, a technique (ID,
/// Sigma tag or name in tag form), a group or software name. Results are cached per tag spelling:
/// feeds repeat the same few tags in every record.
struct TagMapping {
    enum Kind { case tactic, technique, group, software, anyID }
    var kind: Kind
    var id: String
    var via: String
}

extension Enricher {
    /// A tag onto tactics, techniques, groups or software; results are cached per tag spelling.
    func mapTag(_ tag: String, _ e: inout Enrichment) {
        if tagCache.count > 10_000 { tagCache.removeAll(keepingCapacity: true) }
        let mappings: [TagMapping]
        if let cached = tagCache[tag] {
            mappings = cached
        } else {
            mappings = Self.mappings(ofTag: tag, userMap: userMap)
            tagCache[tag] = mappings
        }
        for m in mappings {
            switch m.kind {
            case .tactic: e.addTactic(m.id, via: m.via)
            case .technique: e.addTechnique(m.id, via: m.via)
            case .group: e.addGroup(m.id, via: m.via)
            case .software: e.addSoftware(m.id, via: m.via)
            case .anyID: e.add(id: m.id, via: m.via)
            }
        }
    }

    static func mappings(ofTag tag: String, userMap: UserMap) -> [TagMapping] {
        if let entry = userMap.tags[Tag.canonical(tag)] {
            return entry.ids.map { TagMapping(kind: .anyID, id: $0, via: "map:" + tag) }
        }
        let via = "tag:" + tag
        if let t = ATTACK.tactic(matching: tag) { return [TagMapping(kind: .tactic, id: t.id, via: via)] }
        if let t = ATTACK.technique(matchingTag: tag) { return [TagMapping(kind: .technique, id: t.id, via: via)] }
        if let g = ATTACK.group(named: tag), tagMayName(g.name, tag) { return [TagMapping(kind: .group, id: g.id, via: via)] }
        if let s = ATTACK.software(named: tag), tagMayName(s.name, tag) { return [TagMapping(kind: .software, id: s.id, via: via)] }
        return []
    }

    /// Tags like "net" or "ping" are words, not the software of that name (see NamePolicy).
    private static func tagMayName(_ name: String, _ tag: String) -> Bool {
        let bare = tag.lowercased().hasPrefix("attack.") ? String(tag.dropFirst(7)) : tag
        if bare.count == 5, bare.first?.lowercased() == "g" || bare.first?.lowercased() == "s", bare.dropFirst().allSatisfy(\.isNumber) {
            return true   // an explicit ID such as attack.g0016
        }
        return NamePolicy.allowed(name) && !NamePolicy.exactCase.contains(name) && ATTACK.key(bare).count >= 4
    }
}
