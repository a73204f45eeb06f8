/// MITRE ATT&CK Enterprise objects as cs uses them. The data lives in ATTACKTables.swift, generated
/// from MITRE's release by `attack-tables`; lookups are in ATTACK.swift.

public struct Tactic: Sendable, Hashable {
    /// "TA0006"
    public let id: String
    /// "Credential Access"
    public let name: String
    /// "credential-access": the spelling techniques use to name their tactics.
    public let shortname: String
    public let url: String

    init(_ id: String, _ name: String, _ shortname: String, _ url: String) {
        self.id = id
        self.name = name
        self.shortname = shortname
        self.url = url
    }
}

public struct Technique: Sendable, Hashable {
    /// "T1110" or "T1110.003"
    public let id: String
    /// MITRE's name; for a sub-technique only its own part ("Password Spraying").
    public let name: String
    /// Tactic shortnames ("credential-access").
    public let tacticShortnames: [String]
    public let isSubtechnique: Bool
    public let isRevoked: Bool
    public let isDeprecated: Bool
    public let url: String

    init(_ id: String, _ name: String, _ tactics: [String], sub: Bool, revoked: Bool, deprecated: Bool, _ url: String) {
        self.id = id
        self.name = name
        tacticShortnames = tactics
        isSubtechnique = sub
        isRevoked = revoked
        isDeprecated = deprecated
        self.url = url
    }

    /// "T1110" for "T1110.003"; the ID itself for a technique.
    public var parentID: String {
        guard isSubtechnique, let dot = id.firstIndex(of: ".") else { return id }
        return String(id[..<dot])
    }

    /// Neither revoked nor deprecated.
    public var isActive: Bool { !isRevoked && !isDeprecated }

    /// The name ATT&CK displays: "Brute Force: Password Spraying" for a sub-technique.
    public var fullName: String {
        guard isSubtechnique, let parent = ATTACK.technique(id: parentID) else { return name }
        return parent.name + ": " + name
    }

    /// Its tactics, in MITRE's order.
    public var tactics: [Tactic] { tacticShortnames.compactMap { ATTACK.tactic(shortname: $0) } }

    /// Its tactics' IDs ("TA0006"), in MITRE's order (precomputed: enrichment writes them for every mapping).
    public var tacticIDs: [String] { Index.techniqueByID[id].map { Index.tacticIDsOfTechnique[$0] } ?? [] }
}

public struct Group: Sendable, Hashable {
    public let id: String
    public let name: String
    /// MITRE's aliases (the first is usually the name itself).
    public let aliases: [String]
    public let isRevoked: Bool
    public let isDeprecated: Bool

    init(_ id: String, _ name: String, _ aliases: [String], revoked: Bool, deprecated: Bool) {
        self.id = id
        self.name = name
        self.aliases = aliases
        isRevoked = revoked
        isDeprecated = deprecated
    }

    public var isActive: Bool { !isRevoked && !isDeprecated }
    public var url: String { "https://attack.mitre.org/groups/" + id }
}

public struct Software: Sendable, Hashable {
    public enum Kind: String, Sendable { case malware, tool }

    public let id: String
    public let name: String
    public let kind: Kind
    public let aliases: [String]
    public let isRevoked: Bool
    public let isDeprecated: Bool

    init(_ id: String, _ name: String, _ kind: Kind, _ aliases: [String], revoked: Bool, deprecated: Bool) {
        self.id = id
        self.name = name
        self.kind = kind
        self.aliases = aliases
        isRevoked = revoked
        isDeprecated = deprecated
    }

    public var isActive: Bool { !isRevoked && !isDeprecated }
    public var url: String { "https://attack.mitre.org/software/" + id }
}

/// The generated data (ATTACKTables.swift) lives in an extension of this namespace; ATTACKData parses it.
enum ATTACKTables {}
