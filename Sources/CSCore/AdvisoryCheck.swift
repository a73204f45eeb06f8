#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The one check of a `cs.advisory/1` line, made after `RecordScanner.scan` accepted it as a JSON object.
/// Every stage reading records (cs-enrich, cs-filter, cs-sink, and cs-normalize for records passed through)
/// uses it, so a line one stage rejects is not passed on by another:
/// - `schema` is `cs.advisory/1` (not another tool's output, a feed document or a future schema);
/// - `id` is a string;
/// - each field of the schema that is present has the kind cs-normalize writes: `tags` an array of
///   strings, `severity` one of the five names or null, `title` a string or null, and so on.
/// `complete` also asks for every field (cs-normalize's check of records it passes on unchanged).
/// It reads only the scanner's index and the bytes of the fields it checks: no document tree.
public enum AdvisoryCheck {
    private static let schema: StaticString = "cs.advisory/1"

    enum Kind { case string, stringOrNull, severity, strings, array, object, boolOrNull }

    /// The fields of cs.advisory/1 and their kinds (docs/record.md); `id` (the first) is required.
    static let fields: [(name: StaticString, kind: Kind)] = [
        ("id", .string), ("uid", .string), ("title", .stringOrNull), ("url", .stringOrNull),
        ("summary", .stringOrNull), ("content_html", .stringOrNull), ("content_text", .stringOrNull),
        ("published", .stringOrNull), ("modified", .stringOrNull), ("authors", .array), ("tags", .strings),
        ("severity", .severity), ("severities", .strings), ("type", .stringOrNull), ("actors", .strings),
        ("cves", .strings), ("vendors", .strings), ("products", .strings), ("exploited", .boolOrNull),
        ("sections", .object), ("source", .object), ("extensions", .object),
    ]

    /// Indexes into `fields` by the length of the name: a member's key is compared with a few names only.
    private static let byLength: [[Int]] = {
        var table = [[Int]](repeating: [], count: 16)
        for (i, f) in fields.enumerated() { table[f.name.utf8CodeUnitCount].append(i) }
        return table
    }()

    /// Nil when the scanned line is a `cs.advisory/1` record, else why it is not.
    public static func problem(in scanner: RecordScanner) -> String? {
        guard let value = scanner.value("schema") else {
            return "not a cs.advisory/1 record: no \"schema\" member"
        }
        let expected = UnsafeBufferPointer(start: schema.utf8Start, count: schema.utf8CodeUnitCount)
        if !value.stringEquals(expected) {
            if let s = value.string { return "not a cs.advisory/1 record: schema is \"\(s.prefix(80))\"" }
            return "not a cs.advisory/1 record: \"schema\" is not a string"
        }
        return fieldProblem(in: scanner).map { "invalid cs.advisory/1 record: \($0)" }
    }

    /// The first field of the scanned record that is missing or of the wrong kind, or nil (the schema
    /// is not looked at). `complete` asks for every field, not only `id`.
    public static func fieldProblem(in scanner: RecordScanner, complete: Bool = false) -> String? {
        // One pass over the members (not one lookup per field): this runs on every line cs-filter reads.
        let fields = Self.fields, byLength = Self.byLength
        var seen: UInt32 = 0
        for m in scanner.members {
            guard let i = fieldIndex(m, fields, byLength) else { continue }
            seen |= 1 << UInt32(i)
            if let wrong = problem(m.value, fields[i].kind) { return "field \"\(fields[i].name)\" \(wrong)" }
        }
        let required: UInt32 = complete ? (1 << UInt32(fields.count)) - 1 : 1
        if seen & required != required {
            let missing = fields.indices.first { required & ~seen & (1 << UInt32($0)) != 0 }!
            return "missing field \"\(fields[missing].name)\""
        }
        return nil
    }

    /// The index in `fields` of the member's name, or nil for a name the schema does not model.
    @inline(__always)
    private static func fieldIndex(_ m: RecordScanner.Member, _ fields: [(name: StaticString, kind: Kind)], _ byLength: [[Int]]) -> Int? {
        if m.keyHasEscape {
            let name = JSONRef.decodeString(contentStart: m.keyStart, contentEnd: m.keyEnd, hasEscape: true)
            return fields.firstIndex { $0.name.description == name }
        }
        let n = m.keyEnd - m.keyStart
        guard n < byLength.count else { return nil }
        for i in byLength[n] where memcmp(m.keyStart, fields[i].name.utf8Start, n) == 0 { return i }
        return nil
    }

    /// Why `v` is not of `kind`, or nil.
    static func problem(_ v: JSONRef, _ kind: Kind) -> String? {
        switch kind {
        case .string: return v.isString ? nil : "is not a string"
        case .stringOrNull: return v.isString || v.isNull ? nil : "is not a string or null"
        case .array: return v.isArray ? nil : "is not an array"
        case .object: return v.isObject ? nil : "is not an object"
        case .boolOrNull: return v.isTrue || v.isFalse || v.isNull ? nil : "is not true, false or null"
        case .strings:
            guard v.isArray else { return "is not an array of strings" }
            var allStrings = true
            v.forEachElement { e in allStrings = e.isString; return allStrings }
            return allStrings ? nil : "is not an array of strings"
        case .severity:
            if v.isNull { return nil }
            if let (content, _) = v.stringContent, isSeverityName(content) { return nil }
            return "is not one of info, low, medium, high, critical or null"
        }
    }

    /// One of the five canonical names, byte for byte (a record's severity is canonical; escapes are not).
    static func isSeverityName(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let severity = Severity.fromCanonicalBytes(b) else { return false }
        var name = severity.name
        return name.withUTF8 { $0.count == b.count && memcmp($0.baseAddress!, b.baseAddress!, b.count) == 0 }
    }
}
