import CSCore

/// Counts records with and without a severity while `--sev` filters, so that a run that selected nothing
/// because every record was unrated says so instead of looking like "nothing matters".
struct UnratedCount {
    let watching: Bool
    private(set) var records = 0
    private(set) var rated = 0

    init(watching: Bool) { self.watching = watching }

    mutating func count(_ r: RecordScanner) {
        guard watching else { return }
        records += 1
        if RecordFields.severity(r) != nil { rated += 1 }
    }

    /// The warning, when every record read was unrated.
    var message: String? {
        guard watching, records > 0, rated == 0 else { return nil }
        return "--sev matched nothing: none of the \(records) records has a severity (all unrated); --include-unrated keeps them, and cs-enrich fills severity from CVSS vectors, vendor ratings and KEV"
    }

    func warn(_ stage: Stage) {
        if let message { stage.diagnostics.warning(.failedPrecondition, message) }
    }
}
