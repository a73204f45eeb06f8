import CSCore

/// RecordScanner.scan against jansson (JSON.parse, the parser every stage that builds records uses):
/// a line one accepts as a JSON object the other must accept too, and for every top-level member whose
/// value is a string the scanner must read the same string jansson does.
public enum ScannerFuzz {
    nonisolated(unsafe) static let scanner = RecordScanner()

    public static func check(_ input: UnsafeRawBufferPointer) -> String? {
        // Nesting deeper than the scanner's documented limit (RecordScanner.maxDepth) is rejected on
        // purpose while jansson goes deeper: not a divergence worth reporting.
        if nestingBound(input) >= RecordScanner.maxDepth { return nil }
        let line = input.bindMemory(to: UInt8.self)
        var scanError: RecordScanner.ScanError? = nil
        do { try scanner.scan(line) } catch { scanError = error }
        let parsed: JSON?
        var parseError: JSONParseError? = nil
        do { parsed = try JSON.parse(input) } catch { parsed = nil; parseError = error }
        let janssonObject = parsed.map { $0.kind == .object } ?? false
        switch (scanError, janssonObject) {
        case (nil, false):
            return "RecordScanner accepts what jansson rejects (\(parseError.map { "\($0)" } ?? "not an object"))"
        case (let e?, true):
            // jansson lets a raw NUL byte pass between tokens (e.g. `{"n":0<NUL>}`); RFC 8259 does not,
            // and neither does the scanner. Deliberately stricter: not a finding.
            if e.column >= 1, e.column <= input.count, input[e.column - 1] == 0 { return nil }
            return "RecordScanner rejects what jansson accepts: \(e)"
        case (_?, false):
            return nil
        case (nil, true):
            break
        }
        guard let object = parsed else { return nil }
        for (key, value) in object.members {
            guard let ref = scanner.value(key) else { return "RecordScanner has no member \"\(key)\"" }
            guard let expected = value.stringValue else {
                if ref.isString { return "member \"\(key)\": RecordScanner sees a string, jansson a \(value.kind)" }
                continue
            }
            guard let got = ref.string else { return "member \"\(key)\": RecordScanner sees no string" }
            if got != expected { return "member \"\(key)\": RecordScanner reads \(got.debugDescription), jansson \(expected.debugDescription)" }
        }
        if scanner.keys.count < object.count { return "RecordScanner indexes fewer members than jansson holds" }
        return nil
    }

    /// An upper bound of the nesting depth: the number of opening brackets.
    static func nestingBound(_ input: UnsafeRawBufferPointer) -> Int {
        var n = 0
        for c in input where c == UInt8(ascii: "[") || c == UInt8(ascii: "{") { n += 1 }
        return n
    }
}
