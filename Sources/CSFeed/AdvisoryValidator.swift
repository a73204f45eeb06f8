import CSCore

/// Checks an already-normalized line before it is passed on unchanged: every field of cs.advisory/1
/// present, with the right kind of value (CSCore's AdvisoryCheck, the check every record reader makes).
enum AdvisoryValidator {
    /// The first problem found, or nil when the record is well-formed. `scanner` holds the scanned line.
    static func problem(in scanner: RecordScanner) -> String? {
        AdvisoryCheck.fieldProblem(in: scanner, complete: true)
    }
}
