/// The check every reader of `cs.advisory/1` lines makes after `RecordScanner.scan` accepted the
/// line as a JSON object: it must say it is an advisory record of the schema this version reads.
/// A line that is valid JSON but not such a record (another tool's output, a feed document, a
/// future schema) is rejected with this message rather than passed on or half-read.
public enum AdvisoryCheck {
    private static let schema: StaticString = "cs.advisory/1"

    /// Nil when the scanned line is a `cs.advisory/1` record, else why it is not.
    public static func problem(in scanner: RecordScanner) -> String? {
        guard let value = scanner.value("schema") else {
            return "not a cs.advisory/1 record: no \"schema\" member"
        }
        let expected = UnsafeBufferPointer(start: schema.utf8Start, count: schema.utf8CodeUnitCount)
        if value.stringEquals(expected) { return nil }
        if let s = value.string { return "not a cs.advisory/1 record: schema is \"\(s.prefix(80))\"" }
        return "not a cs.advisory/1 record: \"schema\" is not a string"
    }
}
