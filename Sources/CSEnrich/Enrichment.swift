import CSAttack

/// What cs-enrich found for one record: the `attack` and `indicators` members, each mapping with the
/// list of places (`via`) that produced it.
public struct Enrichment {
    /// One mapped ATT&CK object and where it came from ("tag:credential-access", "text:T1110",
    /// "phrase:password spraying", "actor:APT29", "technique:T1110", "map:in-house-tag").
    public struct Mapping: Equatable {
        public var id: String
        public var via: [String]
        /// Techniques the model found: the best sentences, best first (at most three).
        public var evidence: [Evidence] = []
    }

    /// A sentence that made the model report a technique: its text, calibrated score and field
    /// ("title", "summary", "content_text", "sections.<name>").
    public struct Evidence: Equatable {
        public var text: String
        public var score: Double
        public var field: String
    }

    public var tactics: [Mapping] = []
    public var techniques: [Mapping] = []
    public var groups: [Mapping] = []
    public var software: [Mapping] = []
    public var indicators = Indicators()
    /// Severity evidence, KEV and EPSS (Priority/).
    public var priority = PriorityEvidence()

    public init() {}

    mutating func addTactic(_ id: String, via: String) { Self.add(&tactics, id, via) }
    mutating func addTechnique(_ id: String, via: String) { Self.add(&techniques, id, via) }
    mutating func addGroup(_ id: String, via: String) { Self.add(&groups, id, via) }
    mutating func addSoftware(_ id: String, via: String) { Self.add(&software, id, via) }

    /// Adds an ID of any kind (TA, T, G, S); false when the tables do not know it.
    @discardableResult
    mutating func add(id: String, via: String) -> Bool {
        if ATTACK.tactic(id: id) != nil { addTactic(id, via: via); return true }
        if ATTACK.technique(id: id) != nil { addTechnique(id, via: via); return true }
        if ATTACK.group(id: id) != nil { addGroup(id, via: via); return true }
        if ATTACK.software(id: id) != nil { addSoftware(id, via: via); return true }
        return false
    }

    /// A technique the model found: via "model:0.93" (the best sentence's score) and the evidence.
    mutating func addModelTechnique(_ id: String, evidence: [Evidence]) {
        guard let best = evidence.first else { return }
        addTechnique(id, via: "model:" + Self.twoDecimals(best.score))
        if let i = techniques.firstIndex(where: { $0.id == id }) { techniques[i].evidence = evidence }
    }

    /// 0.934 -> "0.93" (a JSON number and the text of `via`).
    static func twoDecimals(_ x: Double) -> String {
        let cents = Int((min(max(x, 0), 1) * 100).rounded())
        return "\(cents / 100)." + (cents % 100 < 10 ? "0" : "") + "\(cents % 100)"
    }

    private static func add(_ list: inout [Mapping], _ id: String, _ via: String) {
        if let i = list.firstIndex(where: { $0.id == id }) {
            if !list[i].via.contains(via) { list[i].via.append(via) }
        } else {
            list.append(Mapping(id: id, via: [via]))
        }
    }

    /// A technique of exactly one tactic brings that tactic into the record; one of several tactics
    /// lists them on itself only. Revoked and deprecated techniques imply nothing.
    mutating func addImpliedTactics() {
        for m in techniques {
            guard let t = ATTACK.technique(id: m.id), t.isActive else { continue }
            let ids = t.tacticIDs
            if ids.count == 1 { addTactic(ids[0], via: "technique:" + t.id) }
        }
    }

    /// Stable output order: by ID.
    mutating func sort() {
        let byID: (Mapping, Mapping) -> Bool = { Self.idOrder($0.id, $1.id) }
        tactics.sort(by: byID)
        techniques.sort(by: byID)
        groups.sort(by: byID)
        software.sort(by: byID)
    }

    /// "TA0006" < "TA0040"; "T1110" < "T1110.003" < "T1111".
    static func idOrder(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    // MARK: serialization

    /// `{"version":..,"tactics":[..],"techniques":[..],"groups":[..],"software":[..]}`
    func writeAttack(to w: inout JSONWriter) {
        w.raw("{\"version\":")
        w.string(ATTACK.version)
        w.raw(",\"tactics\":[")
        for (i, m) in tactics.enumerated() {
            guard let t = ATTACK.tactic(id: m.id) else { continue }
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.raw("{\"id\":"); w.string(t.id)
            w.raw(",\"name\":"); w.string(t.name)
            w.raw(",\"reference\":"); w.string(t.url)
            w.raw(",\"via\":"); w.strings(m.via)
            w.byte(UInt8(ascii: "}"))
        }
        w.raw("],\"techniques\":[")
        for (i, m) in techniques.enumerated() {
            guard let t = ATTACK.technique(id: m.id) else { continue }
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.raw("{\"id\":"); w.string(t.id)
            w.raw(",\"name\":"); w.string(t.fullName)
            w.raw(",\"tactics\":"); w.strings(t.tacticIDs)
            w.raw(",\"reference\":"); w.string(t.url)
            w.raw(",\"via\":"); w.strings(m.via)
            if !m.evidence.isEmpty { writeEvidence(m.evidence, to: &w) }
            if t.isRevoked { w.raw(",\"revoked\":true") }
            if t.isDeprecated { w.raw(",\"deprecated\":true") }
            w.byte(UInt8(ascii: "}"))
        }
        // Groups and software are written alike: {id, name, via} and the revoked/deprecated flags.
        func named(_ i: Int, _ id: String, _ name: String, _ via: [String], revoked: Bool, deprecated: Bool) {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.raw("{\"id\":"); w.string(id)
            w.raw(",\"name\":"); w.string(name)
            w.raw(",\"via\":"); w.strings(via)
            if revoked { w.raw(",\"revoked\":true") }
            if deprecated { w.raw(",\"deprecated\":true") }
            w.byte(UInt8(ascii: "}"))
        }
        w.raw("],\"groups\":[")
        for (i, m) in groups.enumerated() {
            guard let g = ATTACK.group(id: m.id) else { continue }
            named(i, g.id, g.name, m.via, revoked: g.isRevoked, deprecated: g.isDeprecated)
        }
        w.raw("],\"software\":[")
        for (i, m) in software.enumerated() {
            guard let s = ATTACK.software(id: m.id) else { continue }
            named(i, s.id, s.name, m.via, revoked: s.isRevoked, deprecated: s.isDeprecated)
        }
        w.raw("]}")
    }

    /// `,"evidence":[{"text":..,"score":0.93,"field":".."},..]`
    private func writeEvidence(_ evidence: [Evidence], to w: inout JSONWriter) {
        w.raw(",\"evidence\":[")
        for (i, x) in evidence.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.raw("{\"text\":"); w.string(x.text)
            w.raw(",\"score\":"); w.bytes.append(contentsOf: Self.twoDecimals(x.score).utf8)
            w.raw(",\"field\":"); w.string(x.field)
            w.byte(UInt8(ascii: "}"))
        }
        w.byte(UInt8(ascii: "]"))
    }
}

/// Indicators found in the text, each list without duplicates: hosts of URLs first (URLs are read
/// first), then in order of appearance.
public struct Indicators: Equatable {
    public var cves = OrderedSet()
    public var ipv4 = OrderedSet()
    public var ipv6 = OrderedSet()
    public var domains = OrderedSet()
    public var urls = OrderedSet()
    public var md5 = OrderedSet()
    public var sha1 = OrderedSet()
    public var sha256 = OrderedSet()
    public var eventIDs = OrderedSet()
    public var sigmaRules = OrderedSet()

    public init() {}

    enum HostKind { case ipv4, ipv6, domain }

    mutating func insert(_ host: String, _ kind: HostKind) {
        switch kind {
        case .ipv4: ipv4.insert(host)
        case .ipv6: ipv6.insert(host)
        case .domain: domains.insert(host)
        }
    }

    func write(to w: inout JSONWriter) {
        w.raw("{\"cves\":"); w.strings(cves.values)
        w.raw(",\"ipv4\":"); w.strings(ipv4.values)
        w.raw(",\"ipv6\":"); w.strings(ipv6.values)
        w.raw(",\"domains\":"); w.strings(domains.values)
        w.raw(",\"urls\":"); w.strings(urls.values)
        w.raw(",\"md5\":"); w.strings(md5.values)
        w.raw(",\"sha1\":"); w.strings(sha1.values)
        w.raw(",\"sha256\":"); w.strings(sha256.values)
        w.raw(",\"event_ids\":"); w.strings(eventIDs.values)
        w.raw(",\"sigma_rules\":"); w.strings(sigmaRules.values)
        w.byte(UInt8(ascii: "}"))
    }
}

/// Strings in insertion order without duplicates (lists here are short: a linear scan is cheapest).
public struct OrderedSet: Equatable {
    public private(set) var values: [String] = []
    public init() {}
    mutating func insert(_ s: String) {
        if !values.contains(s) { values.append(s) }
    }
}
