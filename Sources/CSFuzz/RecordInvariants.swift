import CSCore

/// What every cs.advisory/1 record a parser emits must satisfy (docs/schema and BRIEF's field list):
/// every field present with its type, `uid` 32 lowercase hex, `schema` right, dates RFC 3339 UTC `Z`
/// at seconds precision or null, and the serialized line readable by RecordScanner.
enum RecordInvariants {
    static let fields: [(String, Kind)] = [
        ("schema", .string), ("id", .string), ("uid", .string), ("title", .stringOrNull), ("url", .stringOrNull),
        ("summary", .stringOrNull), ("content_html", .stringOrNull), ("content_text", .stringOrNull),
        ("published", .date), ("modified", .date), ("authors", .array), ("tags", .strings),
        ("severity", .stringOrNull), ("severities", .strings), ("type", .stringOrNull), ("actors", .strings),
        ("cves", .strings), ("vendors", .strings), ("products", .strings), ("exploited", .boolOrNull),
        ("sections", .object), ("source", .object), ("extensions", .object),
    ]
    enum Kind { case string, stringOrNull, date, array, strings, boolOrNull, object }

    nonisolated(unsafe) static let scanner = RecordScanner()

    static func problem(in record: JSON) -> String? {
        guard record.kind == .object else { return "not an object" }
        for (name, kind) in fields {
            guard let v = record[name] else { return "no \"\(name)\" member" }
            if let p = typeProblem(v, kind) { return "\"\(name)\" \(p)" }
        }
        if record["schema"]?.stringValue != CSVersion.schema { return "schema is not \(CSVersion.schema)" }
        let uid = record["uid"]?.stringValue ?? ""
        if uid.utf8.count != 32 || !uid.utf8.allSatisfy(isLowerHex) { return "uid \"\(uid)\" is not 32 lowercase hex digits" }
        if (record["id"]?.stringValue ?? "").isEmpty { return "empty id" }
        for name in ["published", "modified"] {
            if let s = record[name]?.stringValue, !isRFC3339Z(s) { return "\"\(name)\" \"\(s)\" is not RFC 3339 UTC seconds" }
        }
        if let fetched = record["source"]?["fetched_at"]?.stringValue, !isRFC3339Z(fetched) {
            return "source.fetched_at \"\(fetched)\" is not RFC 3339 UTC seconds"
        }
        if let sev = record["severity"]?.stringValue, !Severity.allCases.contains(where: { $0.name == sev }) { return "severity \"\(sev)\" is not canonical" }
        // The line the stage writes must be one that every downstream reader accepts.
        let line = record.serialized()
        if line.contains(0x0A) { return "serialized record contains a newline" }
        let scanned: String? = line.withUnsafeBufferPointer { buf in
            do { try scanner.scan(buf) } catch { return "RecordScanner rejects the serialized record: \(error)" }
            return AdvisoryCheck.problem(in: scanner)
        }
        return scanned
    }

    static func typeProblem(_ v: JSON, _ kind: Kind) -> String? {
        switch kind {
        case .string: return v.kind == .string ? nil : "is not a string"
        case .stringOrNull, .date: return v.kind == .string || v.kind == .null ? nil : "is not a string or null"
        case .boolOrNull: return v.kind == .bool || v.kind == .null ? nil : "is not a bool or null"
        case .object: return v.kind == .object ? nil : "is not an object"
        case .array: return v.kind == .array ? nil : "is not an array"
        case .strings:
            guard v.kind == .array else { return "is not an array" }
            return v.elements.allSatisfy { $0.kind == .string } ? nil : "has a non-string element"
        }
    }

    static func isLowerHex(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 97 && c <= 102) }

    /// YYYY-MM-DDTHH:MM:SSZ with fields in range.
    static func isRFC3339Z(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count == 20, b[4] == 45, b[7] == 45, b[10] == 84, b[13] == 58, b[16] == 58, b[19] == 90 else { return false }
        func num(_ r: Range<Int>) -> Int? {
            var n = 0
            for i in r { guard b[i] >= 48, b[i] <= 57 else { return nil }; n = n * 10 + Int(b[i] - 48) }
            return n
        }
        guard num(0..<4) != nil, let mo = num(5..<7), let d = num(8..<10), let h = num(11..<13),
              let mi = num(14..<16), let se = num(17..<19) else { return false }
        return (1...12).contains(mo) && (1...31).contains(d) && h < 24 && mi < 60 && se < 61
    }
}
