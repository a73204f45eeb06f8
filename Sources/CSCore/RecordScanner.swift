/// Reads a few fields of an NDJSON line without building a document tree.
///
/// `scan` validates the whole line as one JSON object (strict RFC 8259 grammar, valid UTF-8,
/// bounded nesting) and indexes its top-level members by byte offset. Field access then reads
/// only the bytes of the fields asked for. cs-filter's read path rests on this: building a
/// jansson tree for every record would be slower than the peers it replaces.
public final class RecordScanner {
    public struct ScanError: Error, CustomStringConvertible {
        public let message: String
        /// 1-based byte column of the problem.
        public let column: Int
        public var description: String { "\(message) at column \(column)" }
    }

    struct Member {
        var keyStart: UnsafePointer<UInt8>
        var keyEnd: UnsafePointer<UInt8>   // exclusive, quotes excluded
        var keyHasEscape: Bool
        var value: JSONRef
    }

    public static let maxDepth = 512
    private(set) var members: ContiguousArray<Member> = []
    private var base: UnsafePointer<UInt8>? = nil

    public init() { members.reserveCapacity(64) }

    /// Validates `line` and indexes its members. The line's memory must outlive the field lookups.
    public func scan(_ line: UnsafeBufferPointer<UInt8>) throws(ScanError) {
        members.removeAll(keepingCapacity: true)
        guard let start = line.baseAddress, line.count > 0 else {
            throw ScanError(message: "empty line, expected a JSON object", column: 1)
        }
        base = start
        var v = Validator(p: start, end: start + line.count, base: start)
        v.skipSpace()
        guard v.p < v.end, v.p.pointee == UInt8(ascii: "{") else {
            if v.p >= v.end { throw ScanError(message: "blank line, expected a JSON object", column: 1) }
            throw ScanError(message: "expected a JSON object, found \(Validator.describe(v.p.pointee))", column: v.column)
        }
        let objectStart = v.p
        do throws(ScanError) {
            try v.object(depth: 1) { keyStart, keyEnd, hasEscape, valueStart, valueEnd in
                members.append(Member(keyStart: keyStart, keyEnd: keyEnd, keyHasEscape: hasEscape,
                                      value: JSONRef(start: valueStart, end: valueEnd)))
            }
            v.skipSpace()
            if v.p < v.end { throw v.error("unexpected \(Validator.describe(v.p.pointee)) after the object") }
        } catch {
            members.removeAll(keepingCapacity: true)
            throw error
        }
        _ = objectStart
    }

    /// The value of top-level member `key` (the last one if a key repeats, as jansson does).
    public func value(_ key: StaticString) -> JSONRef? {
        let k = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        return value(k)
    }

    public func value(_ key: String) -> JSONRef? {
        var key = key
        return key.withUTF8 { value($0) }
    }

    public func value(_ key: UnsafeBufferPointer<UInt8>) -> JSONRef? {
        var found: JSONRef? = nil
        for m in members where JSONRef.keyEquals(m.keyStart, m.keyEnd, m.keyHasEscape, key) {
            found = m.value
        }
        return found
    }

    /// Top-level keys in order (decoded), for diagnostics and tests.
    public var keys: [String] {
        members.map { JSONRef.decodeString(contentStart: $0.keyStart, contentEnd: $0.keyEnd, hasEscape: $0.keyHasEscape) }
    }
}

/// A reference to one validated JSON value inside a scanned line.
public struct JSONRef {
    public let start: UnsafePointer<UInt8>
    public let end: UnsafePointer<UInt8>

    public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: start, count: end - start) }
    public var isString: Bool { start.pointee == UInt8(ascii: "\"") }
    public var isArray: Bool { start.pointee == UInt8(ascii: "[") }
    public var isObject: Bool { start.pointee == UInt8(ascii: "{") }
    public var isNull: Bool { start.pointee == UInt8(ascii: "n") }
    public var isTrue: Bool { start.pointee == UInt8(ascii: "t") }
    public var isFalse: Bool { start.pointee == UInt8(ascii: "f") }
    public var isNumber: Bool { let c = start.pointee; return c == UInt8(ascii: "-") || (c >= 48 && c <= 57) }

    /// The raw bytes between the quotes of a string value, and whether they hold escapes.
    public var stringContent: (UnsafeBufferPointer<UInt8>, hasEscape: Bool)? {
        guard isString else { return nil }
        let content = UnsafeBufferPointer(start: start + 1, count: end - start - 2)
        return (content, content.contains(UInt8(ascii: "\\")))
    }

    /// The decoded string, or nil when the value is not a string.
    public var string: String? {
        guard let (content, esc) = stringContent else { return nil }
        return JSONRef.decodeString(contentStart: content.baseAddress!, contentEnd: content.baseAddress! + content.count, hasEscape: esc)
    }

    public var number: Double? {
        guard isNumber else { return nil }
        return Double(String(decoding: bytes, as: UTF8.self))
    }

    /// True when this is a string equal to `s` (compared after decoding escapes).
    public func stringEquals(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let (content, esc) = stringContent else { return false }
        if !esc { return content.count == s.count && memcmp(content.baseAddress!, s.baseAddress!, s.count) == 0 }
        return Array(string!.utf8) == Array(s)
    }

    /// Calls `body` with each element of an array value; `body` returns false to stop.
    @discardableResult
    public func forEachElement(_ body: (JSONRef) throws -> Bool) rethrows -> Bool {
        guard isArray else { return true }
        var p = start + 1
        p = Skipper.space(p, end)
        if p.pointee == UInt8(ascii: "]") { return true }
        while p < end {
            let valueEnd = Skipper.value(p, end)
            if try !body(JSONRef(start: p, end: valueEnd)) { return false }
            p = Skipper.space(valueEnd, end)
            if p.pointee == UInt8(ascii: ",") { p = Skipper.space(p + 1, end) } else { break }
        }
        return true
    }

    /// The strings of an array (other elements skipped), or the one string of a string value.
    public var strings: [String] {
        if let s = string { return [s] }
        var out: [String] = []
        forEachElement { e in
            if let s = e.string { out.append(s) }
            return true
        }
        return out
    }

    /// Member `key` of an object value.
    public func member(_ key: StaticString) -> JSONRef? {
        member(UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    }

    public func member(_ key: UnsafeBufferPointer<UInt8>) -> JSONRef? {
        guard isObject else { return nil }
        var found: JSONRef? = nil
        forEachMember { ks, ke, esc, value in
            if JSONRef.keyEquals(ks, ke, esc, key) { found = value }
            return true
        }
        return found
    }

    /// Calls `body` with each member (key content bounds, whether the key has escapes, value).
    public func forEachMember(_ body: (UnsafePointer<UInt8>, UnsafePointer<UInt8>, Bool, JSONRef) -> Bool) {
        guard isObject else { return }
        var p = Skipper.space(start + 1, end)
        while p < end, p.pointee == UInt8(ascii: "\"") {
            let keyEnd = Skipper.string(p, end)
            let keyContent = p + 1, keyContentEnd = keyEnd - 1
            let esc = UnsafeBufferPointer(start: keyContent, count: keyContentEnd - keyContent).contains(UInt8(ascii: "\\"))
            p = Skipper.space(keyEnd, end)      // at ':'
            p = Skipper.space(p + 1, end)
            let valueEnd = Skipper.value(p, end)
            if !body(keyContent, keyContentEnd, esc, JSONRef(start: p, end: valueEnd)) { return }
            p = Skipper.space(valueEnd, end)
            if p < end, p.pointee == UInt8(ascii: ",") { p = Skipper.space(p + 1, end) } else { return }
        }
    }

    static func keyEquals(_ ks: UnsafePointer<UInt8>, _ ke: UnsafePointer<UInt8>, _ esc: Bool, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        if !esc {
            return ke - ks == key.count && memcmp(ks, key.baseAddress!, key.count) == 0
        }
        return Array(decodeString(contentStart: ks, contentEnd: ke, hasEscape: true).utf8) == Array(key)
    }

    /// Decodes JSON string content (between the quotes). Input is already validated.
    static func decodeString(contentStart: UnsafePointer<UInt8>, contentEnd: UnsafePointer<UInt8>, hasEscape: Bool) -> String {
        let raw = UnsafeBufferPointer(start: contentStart, count: contentEnd - contentStart)
        if !hasEscape { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        appendDecoded(content: raw, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// Fast skipping over JSON that `Validator` has already accepted.
enum Skipper {
    @inline(__always)
    static func space(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        var p = p
        while p < end {
            let c = p.pointee
            if c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D { p += 1 } else { break }
        }
        return p
    }

    /// From an opening quote to just past the closing quote.
    @inline(__always)
    static func string(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        var p = p + 1
        while p < end {
            guard let q = memchr(p, Int32(UInt8(ascii: "\"")), end - p) else { return end }
            let quote = UnsafePointer(q.assumingMemoryBound(to: UInt8.self))
            // The quote is escaped when an odd number of backslashes precede it.
            var backslashes = 0
            var b = quote - 1
            while b >= p, b.pointee == UInt8(ascii: "\\") { backslashes += 1; b -= 1 }
            p = quote + 1
            if backslashes % 2 == 0 { return p }
        }
        return end
    }

    static func value(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        let c = p.pointee
        if c == UInt8(ascii: "\"") { return string(p, end) }
        if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
            var depth = 0
            var q = p
            while q < end {
                let d = q.pointee
                if d == UInt8(ascii: "\"") { q = string(q, end); continue }
                if d == UInt8(ascii: "{") || d == UInt8(ascii: "[") { depth += 1 }
                else if d == UInt8(ascii: "}") || d == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { return q + 1 }
                }
                q += 1
            }
            return end
        }
        // literal or number
        var q = p
        while q < end {
            let d = q.pointee
            if d == UInt8(ascii: ",") || d == UInt8(ascii: "}") || d == UInt8(ascii: "]") || d == 0x20 || d == 0x0A || d == 0x09 || d == 0x0D { break }
            q += 1
        }
        return q
    }
}

/// Strict JSON validation over raw bytes.
struct Validator {
    var p: UnsafePointer<UInt8>
    let end: UnsafePointer<UInt8>
    let base: UnsafePointer<UInt8>

    var column: Int { p - base + 1 }

    func error(_ message: String) -> RecordScanner.ScanError {
        RecordScanner.ScanError(message: message, column: column)
    }

    static func describe(_ c: UInt8) -> String {
        if c >= 0x21 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
        return "byte 0x" + String(c, radix: 16, uppercase: true)
    }

    @inline(__always)
    mutating func skipSpace() { p = Skipper.space(p, end) }

    mutating func expectMore(_ what: String) throws(RecordScanner.ScanError) {
        if p >= end { throw error("line ends inside \(what) (truncated record?)") }
    }

    mutating func value(depth: Int) throws(RecordScanner.ScanError) {
        try expectMore("a value")
        switch p.pointee {
        case UInt8(ascii: "{"): try object(depth: depth + 1) { _, _, _, _, _ in }
        case UInt8(ascii: "["): try array(depth: depth + 1)
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), 48...57: try number()
        default: throw error("unexpected \(Validator.describe(p.pointee)), expected a value")
        }
    }

    mutating func object(depth: Int, _ member: (UnsafePointer<UInt8>, UnsafePointer<UInt8>, Bool, UnsafePointer<UInt8>, UnsafePointer<UInt8>) -> Void) throws(RecordScanner.ScanError) {
        if depth > RecordScanner.maxDepth { throw error("nesting deeper than \(RecordScanner.maxDepth)") }
        p += 1
        skipSpace()
        try expectMore("an object")
        if p.pointee == UInt8(ascii: "}") { p += 1; return }
        while true {
            try expectMore("an object")
            guard p.pointee == UInt8(ascii: "\"") else { throw error("expected a member name in quotes, found \(Validator.describe(p.pointee))") }
            let keyStart = p + 1
            let esc = try string()
            let keyEnd = p - 1
            // jansson cannot hold a member name with a NUL character; reject it as jansson does.
            if esc, JSONRef.decodeString(contentStart: keyStart, contentEnd: keyEnd, hasEscape: true).utf8.contains(0) {
                p = keyStart - 1
                throw error("a member name with a \\u0000 (NUL) character")
            }
            skipSpace()
            try expectMore("an object")
            guard p.pointee == UInt8(ascii: ":") else { throw error("expected ':' after a member name, found \(Validator.describe(p.pointee))") }
            p += 1
            skipSpace()
            let valueStart = p
            try value(depth: depth)
            member(keyStart, keyEnd, esc, valueStart, p)
            skipSpace()
            try expectMore("an object")
            if p.pointee == UInt8(ascii: ",") { p += 1; skipSpace(); continue }
            if p.pointee == UInt8(ascii: "}") { p += 1; return }
            throw error("expected ',' or '}' in an object, found \(Validator.describe(p.pointee))")
        }
    }

    mutating func array(depth: Int) throws(RecordScanner.ScanError) {
        if depth > RecordScanner.maxDepth { throw error("nesting deeper than \(RecordScanner.maxDepth)") }
        p += 1
        skipSpace()
        try expectMore("an array")
        if p.pointee == UInt8(ascii: "]") { p += 1; return }
        while true {
            try value(depth: depth)
            skipSpace()
            try expectMore("an array")
            if p.pointee == UInt8(ascii: ",") { p += 1; skipSpace(); continue }
            if p.pointee == UInt8(ascii: "]") { p += 1; return }
            throw error("expected ',' or ']' in an array, found \(Validator.describe(p.pointee))")
        }
    }

    mutating func literal(_ word: StaticString) throws(RecordScanner.ScanError) {
        let n = word.utf8CodeUnitCount
        guard end - p >= n, memcmp(p, word.utf8Start, n) == 0 else { throw error("invalid literal, expected \(word)") }
        p += n
    }

    mutating func digits() throws(RecordScanner.ScanError) {
        guard p < end, p.pointee >= 48, p.pointee <= 57 else { throw error("expected a digit in a number") }
        while p < end, p.pointee >= 48, p.pointee <= 57 { p += 1 }
    }

    mutating func number() throws(RecordScanner.ScanError) {
        let start = p
        let negative = p.pointee == UInt8(ascii: "-")
        if negative { p += 1 }
        try expectMore("a number")
        let intStart = p
        if p.pointee == UInt8(ascii: "0") { p += 1 } else { try digits() }
        let intEnd = p
        var isReal = false
        if p < end, p.pointee == UInt8(ascii: ".") { p += 1; try digits(); isReal = true }
        if p < end, p.pointee | 0x20 == UInt8(ascii: "e") {
            p += 1
            if p < end, p.pointee == UInt8(ascii: "+") || p.pointee == UInt8(ascii: "-") { p += 1 }
            try digits()
            isReal = true
        }
        // jansson (which builds the records the other stages read) rejects integers outside 64 bits and
        // reals that overflow a double; a line it cannot load must not pass here either.
        if isReal {
            if !Validator.realIsFinite(start, p) { p = start; throw error("number out of range") }
        } else if !Validator.integerFits(intStart, intEnd, negative: negative) {
            p = start; throw error("integer out of the 64-bit range")
        }
    }

    /// Whether the decimal digits fit Int64 (the magnitude limit is one more when negative).
    static func integerFits(_ s: UnsafePointer<UInt8>, _ e: UnsafePointer<UInt8>, negative: Bool) -> Bool {
        let n = e - s
        if n < 19 { return true }
        if n > 19 { return false }
        let limit: StaticString = "9223372036854775807"
        for k in 0..<19 {
            let c = s[k], l = limit.utf8Start[k] + (negative && k == 18 ? 1 : 0)
            if c != l { return c < l }
        }
        return true
    }

    /// Whether strtod gives a finite value for the number token (an underflow to 0 is accepted, as by jansson).
    static func realIsFinite(_ s: UnsafePointer<UInt8>, _ e: UnsafePointer<UInt8>) -> Bool {
        var token = [CChar](repeating: 0, count: e - s + 1)
        for k in 0..<(e - s) { token[k] = CChar(bitPattern: s[k]) }
        return strtod(token, nil).isFinite
    }

    /// The 16-bit value of four hex digits at `p + offset`, or nil.
    func hex4(at offset: Int) -> UInt32? {
        guard end - p >= offset + 4 else { return nil }
        var v: UInt32 = 0
        for k in offset..<(offset + 4) {
            let c = p[k]
            v <<= 4
            switch c {
            case 48...57: v |= UInt32(c - 48)
            case 65...70: v |= UInt32(c - 55)
            case 97...102: v |= UInt32(c - 87)
            default: return nil
            }
        }
        return v
    }

    /// Validates a string starting at its opening quote; returns whether it contains escapes.
    mutating func string() throws(RecordScanner.ScanError) -> Bool {
        p += 1
        var escaped = false
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while true {
            // Eight plain ASCII bytes at a time: no quote, no backslash, no control, no high bit.
            while end - p >= 8 {
                let x = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
                let q = x ^ (ones &* 0x22), b = x ^ (ones &* 0x5C)
                let special = ((q &- ones) & ~q) | ((b &- ones) & ~b) | (x &- ones &* 0x20) | x
                if special & highs != 0 { break }
                p += 8
            }
            try expectMore("a string")
            let c = p.pointee
            if c == UInt8(ascii: "\"") { p += 1; return escaped }
            if c == UInt8(ascii: "\\") {
                escaped = true
                guard end - p >= 2 else { p += 1; try expectMore("a string"); return escaped }
                switch p[1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    p += 2
                case UInt8(ascii: "u"):
                    guard let unit = hex4(at: 2) else { throw error("invalid \\u escape in a string") }
                    // UTF-16 surrogates must come in pairs: a lone one has no UTF-8 form (jansson rejects it too).
                    if unit >= 0xDC00 && unit < 0xE000 { throw error("lone low surrogate \\u escape in a string") }
                    if unit >= 0xD800 && unit < 0xDC00 {
                        guard end - p >= 12, p[6] == UInt8(ascii: "\\"), p[7] == UInt8(ascii: "u"),
                              let low = hex4(at: 8), low >= 0xDC00, low < 0xE000 else {
                            throw error("lone high surrogate \\u escape in a string")
                        }
                        p += 6
                    }
                    p += 6
                default:
                    p += 1
                    throw error("invalid escape \\\(Validator.describe(p.pointee)) in a string")
                }
                continue
            }
            if c < 0x20 { throw error("control character \(Validator.describe(c)) inside a string (must be escaped)") }
            if c < 0x80 { p += 1; continue }
            try utf8Sequence()
        }
    }

    mutating func utf8Sequence() throws(RecordScanner.ScanError) {
        let c = p.pointee
        var need = 0
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        switch c {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: need = 2
        case 0xED: need = 2; hi = 0x9F
        case 0xF0: need = 3; lo = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; hi = 0x8F
        default: throw error("invalid UTF-8 byte 0x\(String(c, radix: 16, uppercase: true))")
        }
        guard end - p > need else { throw error("truncated UTF-8 sequence") }
        let c1 = p[1]
        guard c1 >= lo, c1 <= hi else { throw error("invalid UTF-8 sequence") }
        for k in 2..<(need + 1) where k <= need {
            guard p[k] & 0xC0 == 0x80 else { throw error("invalid UTF-8 sequence") }
        }
        p += need + 1
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
