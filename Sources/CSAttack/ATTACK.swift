/// Lookups over the generated ATT&CK tables. Every spelling a feed, a Sigma rule or a person uses
/// ("credential_access", "Credential Access", "attack.credential-access", "TA0006") resolves to the
/// same object. Indexes are built on first use (Swift static lets are lazy and thread-safe).
public enum ATTACK {
    /// The ATT&CK release the tables come from ("18.1").
    public static var version: String { ATTACKTables.version }
    /// "enterprise-attack"
    public static var domain: String { ATTACKTables.domain }
    public static var tactics: [Tactic] { ATTACKData.tactics }
    public static var techniques: [Technique] { ATTACKData.techniques }
    public static var groups: [Group] { ATTACKData.groups }
    public static var software: [Software] { ATTACKData.software }

    // MARK: tactics

    /// The tactic any spelling names: its ID ("TA0006", "ta0006"), its name in any case and with any
    /// separators ("Credential Access", "credential_access", "credential-access", "CredentialAccess"),
    /// with or without Sigma's "attack." prefix ("attack.credential_access"). Nil when nothing matches.
    public static func tactic(matching spelling: String) -> Tactic? {
        let s = stripSigmaPrefix(spelling)
        if let t = tactic(id: s) { return t }
        return Index.tacticByKey[key(s)].map { tactics[$0] }
    }

    /// The tactic with this ID ("TA0006"; case-insensitive).
    public static func tactic(id: String) -> Tactic? {
        Index.tacticByID[id.uppercased()].map { tactics[$0] }
    }

    /// The tactic with this shortname as techniques list them ("credential-access").
    public static func tactic(shortname: String) -> Tactic? {
        Index.tacticByKey[key(shortname)].map { tactics[$0] }
    }

    // MARK: techniques

    /// The technique or sub-technique with this ID ("T1110", "T1110.003", "t1110/003"), revoked and
    /// deprecated ones included (check `isActive`).
    public static func technique(id: String) -> Technique? {
        let normalized = id.uppercased().replacingSlash()
        return Index.techniqueByID[normalized].map { techniques[$0] }
    }

    /// The active technique whose name this is, in any case and with any separators ("Brute Force",
    /// "brute_force", "password-spraying"), or the full "Parent: Sub" form ("Brute Force: Password Spraying").
    /// A name that several active techniques share resolves to the parent technique when exactly one of
    /// them is a parent, otherwise to nothing.
    public static func technique(named name: String) -> Technique? {
        Index.techniqueByNameKey[key(name)].map { techniques[$0] }
    }

    /// The technique a tag stands for: an ID ("T1110.003"), a Sigma tag ("attack.t1110.003"), or a
    /// technique name in tag form ("brute_force", "password-spraying"). Generic names that are not
    /// specific to a technique ("python", "dns", "tool"; see `isGenericTechniqueName`) map to nothing.
    public static func technique(matchingTag tag: String) -> Technique? {
        let s = stripSigmaPrefix(tag)
        if isTechniqueID(s) { return technique(id: s) }
        let k = key(s)
        if GenericNames.techniqueKeys.contains(k) { return nil }
        return Index.techniqueByNameKey[k].map { techniques[$0] }
    }

    /// True for technique names too generic to stand for the technique when they appear as a word or tag
    /// ("Python", "DNS", "Cloud Accounts", "Multi-Factor Authentication").
    public static func isGenericTechniqueName(_ name: String) -> Bool {
        GenericNames.techniqueKeys.contains(key(name))
    }

    // MARK: groups and software

    public static func group(id: String) -> Group? { Index.groupByID[id.uppercased()].map { groups[$0] } }
    public static func software(id: String) -> Software? { Index.softwareByID[id.uppercased()].map { software[$0] } }

    /// The group with this name or alias (any case and separators: "APT29", "Cozy Bear", "cozy_bear").
    /// Active groups win over revoked ones; an alias two active groups share resolves to nothing.
    public static func group(named name: String) -> Group? {
        let s = stripSigmaPrefix(name)
        if let g = group(id: s) { return g }
        return Index.groupByNameKey[key(s)].map { groups[$0] }
    }

    /// The software with this name or alias (any case and separators: "Cobalt Strike", "mimikatz").
    public static func software(named name: String) -> Software? {
        let s = stripSigmaPrefix(name)
        if let sw = software(id: s) { return sw }
        return Index.softwareByNameKey[key(s)].map { software[$0] }
    }

    // MARK: spelling

    /// The spelling-insensitive key names are compared by: lowercase letters and digits only.
    /// "Credential Access", "credential_access" and "credential-access" all give "credentialaccess".
    public static func key(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        var nonASCII = false
        for c in s.utf8 {
            switch c {
            case 65...90: out.append(c + 32)
            case 97...122, 48...57: out.append(c)
            case 0x80...: out.append(c); nonASCII = true
            default: break
            }
        }
        let k = String(decoding: out, as: UTF8.self)
        return nonASCII ? k.lowercased() : k
    }

    /// "attack.credential_access" -> "credential_access" (Sigma's tag namespace).
    static func stripSigmaPrefix(_ s: String) -> String {
        let u = s.utf8
        guard u.count > 7 else { return s }
        let prefix = u.prefix(7)
        if prefix.elementsEqual("attack.".utf8, by: { a, b in a | 0x20 == b | 0x20 }) || prefix.elementsEqual("attack:".utf8) {
            return String(s.dropFirst(7))
        }
        return s
    }

    /// "T1110", "T1110.003", "t1110/003".
    static func isTechniqueID(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count == 5 || b.count == 9, b[0] | 0x20 == UInt8(ascii: "t") else { return false }
        for i in 1..<5 where !(b[i] >= 48 && b[i] <= 57) { return false }
        if b.count == 5 { return true }
        guard b[5] == UInt8(ascii: ".") || b[5] == UInt8(ascii: "/") else { return false }
        for i in 6..<9 where !(b[i] >= 48 && b[i] <= 57) { return false }
        return true
    }
}

extension String {
    fileprivate func replacingSlash() -> String {
        guard contains("/") else { return self }
        return String(map { $0 == "/" ? "." : $0 })
    }
}

/// Lookup indexes over the tables, each built once on first use.
enum Index {
    static let tacticByID: [String: Int] = byID(ATTACKData.tactics.map(\.id))
    static let techniqueByID: [String: Int] = byID(ATTACKData.techniques.map(\.id))
    static let groupByID: [String: Int] = byID(ATTACKData.groups.map(\.id))
    static let softwareByID: [String: Int] = byID(ATTACKData.software.map(\.id))

    static let tacticByKey: [String: Int] = {
        var d: [String: Int] = [:]
        for (i, t) in ATTACKData.tactics.enumerated() {
            d[ATTACK.key(t.name)] = i
            d[ATTACK.key(t.shortname)] = i
        }
        return d
    }()

    /// Active techniques by name key and by "Parent: Sub" key; shared names resolved as documented
    /// on `ATTACK.technique(named:)`.
    static let techniqueByNameKey: [String: Int] = {
        let all = ATTACKData.techniques
        var candidates: [String: [Int]] = [:]
        for (i, t) in all.enumerated() where t.isActive {
            candidates[ATTACK.key(t.name), default: []].append(i)
            if t.isSubtechnique, let p = techniqueByID[t.parentID] {
                candidates[ATTACK.key(all[p].name + " " + t.name), default: []].append(i)
            }
        }
        var d: [String: Int] = [:]
        for (k, list) in candidates {
            if list.count == 1 { d[k] = list[0]; continue }
            let parents = list.filter { !all[$0].isSubtechnique }
            if parents.count == 1 { d[k] = parents[0] }
        }
        return d
    }()

    static let tacticIDsOfTechnique: [[String]] = ATTACKData.techniques.map { $0.tactics.map(\.id) }

    static let groupByNameKey: [String: Int] = byNames(ATTACKData.groups.map { ($0.isActive, [$0.name] + $0.aliases) })
    static let softwareByNameKey: [String: Int] = byNames(ATTACKData.software.map { ($0.isActive, [$0.name] + $0.aliases) })

    static func byID(_ ids: [String]) -> [String: Int] {
        var d: [String: Int] = [:]
        for (i, id) in ids.enumerated() { d[id] = i }
        return d
    }

    /// Name and alias keys; active objects first; a key two active objects share is dropped.
    static func byNames(_ objects: [(active: Bool, names: [String])]) -> [String: Int] {
        var d: [String: Int] = [:]
        var ambiguous = Set<String>()
        for (i, o) in objects.enumerated() where o.active {
            for k in Set(o.names.map(ATTACK.key)) where !k.isEmpty {
                if let other = d[k], other != i { ambiguous.insert(k) } else { d[k] = i }
            }
        }
        for k in ambiguous { d[k] = nil }
        for (i, o) in objects.enumerated() where !o.active {
            for k in o.names.map(ATTACK.key) where !k.isEmpty && d[k] == nil && !ambiguous.contains(k) { d[k] = i }
        }
        return d
    }
}
