import CSCore

/// CISA's Known Exploited Vulnerabilities catalog, read from its published JSON
/// ({"title","catalogVersion","dateReleased","count","vulnerabilities":[{"cveID",…}]}).
public struct KEVCatalog: Sendable {
    public private(set) var entries: [UInt64: KEVEntry] = [:]
    /// `dateReleased` of the catalog, when it has one.
    public private(set) var dateReleased: String?
    public var count: Int { entries.count }

    public init() {}

    public func entry(forCVE cve: String) -> KEVEntry? {
        CVEKey.make(cve).flatMap { entries[$0] }
    }

    /// Parses the catalog. A document that is not JSON (truncated, corrupt) throws with the file's line; an
    /// entry without a usable cveID is skipped and reported in `problems`.
    public static func parse(_ bytes: [UInt8], path: String, problems: inout [String]) throws(StageError) -> KEVCatalog {
        guard !bytes.isEmpty else { throw StageError(.dataLoss, "\(path): not a KEV catalog: the file is empty") }
        let parsed = bytes.withUnsafeBytes { b in Result { () throws(JSONParseError) -> JSON in try JSON.parse(b) } }
        let doc: JSON
        switch parsed {
        case .success(let json): doc = json
        case .failure(let error): throw StageError(.dataLoss, "\(path):\(error.line): not a KEV catalog: \(error.message)")
        }
        guard doc.kind == .object, let list = doc["vulnerabilities"], list.kind == .array else {
            throw StageError(.invalidArgument, "\(path): not a KEV catalog: no \"vulnerabilities\" list")
        }
        var catalog = KEVCatalog()
        catalog.dateReleased = doc["dateReleased"]?.stringValue
        for (i, v) in list.elements.enumerated() {
            guard let cve = v["cveID"]?.stringValue, let key = CVEKey.make(cve) else {
                problems.append("\(path): vulnerabilities[\(i)]: no valid cveID; entry skipped")
                continue
            }
            catalog.entries[key] = KEVEntry(
                cve: cve.uppercased(), dateAdded: v["dateAdded"]?.stringValue, dueDate: v["dueDate"]?.stringValue,
                knownRansomwareCampaignUse: v["knownRansomwareCampaignUse"]?.stringValue,
                requiredAction: v["requiredAction"]?.stringValue)
        }
        if let stated = doc["count"]?.intValue, stated != list.count {
            problems.append("\(path): the catalog says count \(stated) but lists \(list.count) entries")
        }
        return catalog
    }
}
