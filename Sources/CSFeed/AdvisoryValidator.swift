import CSCore

/// Checks an already-normalized line before it is passed on unchanged: every field of cs.advisory/1
/// present, with the right kind of value.
enum AdvisoryValidator {
    private enum Kind { case string, stringOrNull, array, object, boolOrNull }

    private static let fields: [(StaticString, Kind)] = [
        ("id", .string), ("uid", .string), ("title", .stringOrNull), ("url", .stringOrNull),
        ("summary", .stringOrNull), ("content_html", .stringOrNull), ("content_text", .stringOrNull),
        ("published", .stringOrNull), ("modified", .stringOrNull), ("authors", .array), ("tags", .array),
        ("severity", .stringOrNull), ("severities", .array), ("type", .stringOrNull), ("actors", .array),
        ("cves", .array), ("vendors", .array), ("products", .array), ("exploited", .boolOrNull),
        ("sections", .object), ("source", .object), ("extensions", .object),
    ]

    /// The first problem found, or nil when the record is well-formed. `scanner` holds the scanned line.
    static func problem(in scanner: RecordScanner) -> String? {
        for (name, kind) in fields {
            guard let v = scanner.value(name) else { return "missing field \"\(name)\"" }
            let ok: Bool
            switch kind {
            case .string: ok = v.isString
            case .stringOrNull: ok = v.isString || v.isNull
            case .array: ok = v.isArray
            case .object: ok = v.isObject
            case .boolOrNull: ok = v.isTrue || v.isFalse || v.isNull
            }
            if !ok { return "field \"\(name)\" has the wrong type" }
        }
        if let s = scanner.value("severity"), s.isString, Severity(parsing: s.string ?? "") == nil {
            return "unknown severity \(s.string ?? "")"
        }
        return nil
    }
}
