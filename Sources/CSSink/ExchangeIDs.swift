import CSCore

/// Deterministic ids for the exchange formats: UUIDv5 in cs's own namespace, named by the record's
/// uid and the object's key (`report`, `indicator:ipv4:198.51.100.7`), or, for objects that are the
/// same in every advisory (ATT&CK techniques, groups and software, CVEs, feeds), by that key alone.
/// A rerun gives the same ids, so a platform updates what it imported instead of duplicating it.
enum ExchangeIDs {
    /// cs's namespace for name-based UUIDs (a fixed random UUID; never change it: every id depends on it).
    static let namespace = UUIDv5(namespace: "3f6c1d0e-8a47-4b5e-9c2d-71e0a5b9f4c3")!

    /// An id scoped to one advisory.
    static func uuid(uid: String, _ key: String) -> String {
        UUIDv5(namespace: namespace, name: uid + "\n" + key).string
    }

    /// An id shared by every advisory naming the same thing.
    static func shared(_ key: String) -> String {
        UUIDv5(namespace: namespace, name: key).string
    }
}
