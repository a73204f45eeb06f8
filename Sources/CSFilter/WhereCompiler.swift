#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// Turns a `--where` expression into a `RecordTest` once, at start. Errors carry the column and
/// show the expression with a caret under the problem.
enum WhereCompiler {
    static func compile(_ expression: String) throws(FilterSpecError) -> RecordTest {
        do throws(WhereSyntaxError) {
            return try node(WhereParser.parse(expression))
        } catch {
            let caret = String(repeating: " ", count: max(0, error.column - 1)) + "^"
            throw FilterSpecError("--where: \(error.message) at column \(error.column)\n  \(expression)\n  \(caret)")
        }
    }

    static func node(_ n: WhereNode) throws(WhereSyntaxError) -> RecordTest {
        switch n {
        case let .and(a, b):
            let x = try node(a), y = try node(b)
            return { x($0) && y($0) }
        case let .or(a, b):
            let x = try node(a), y = try node(b)
            return { x($0) || y($0) }
        case let .not(a):
            let x = try node(a)
            return { !x($0) }
        case let .truthy(path):
            let p = RecordPath(path)!
            return { r in
                var truthy = false
                p.forEachValue(in: r) { v in
                    truthy = WhereCompiler.isTruthy(v)
                    return !truthy
                }
                return truthy
            }
        case let .compare(path, op, value, column):
            let p = RecordPath(path)!
            switch op {
            case .has:
                let has = WhereHas(value)
                return { r in
                    var found = false
                    p.forEachValue(in: r) { v in
                        found = has.matches(v)
                        return !found
                    }
                    return found
                }
            case .matches, .notMatches:
                guard case let .string(pattern) = value else { preconditionFailure("parser guarantees a string") }
                let search: TextSearch
                do {
                    search = try TextSearch(pattern, caseSensitive: false)
                } catch {
                    throw WhereSyntaxError(message: error.message.replacing("--grep: ", with: ""), column: column)
                }
                let negate = op == .notMatches
                return { r in
                    var found = false
                    p.forEachValue(in: r) { v in
                        found = WhereCompiler.anyScalar(v) { $0.isString && search.matches($0) }
                        return !found
                    }
                    return found != negate
                }
            default:
                let cmp = WhereComparison(op: op, value: value)
                return { r in
                    var evaluated = false
                    var found = false
                    p.forEachValue(in: r) { v in
                        found = WhereCompiler.anyScalar(v) { e in
                            evaluated = true
                            return cmp.holds(e)
                        }
                        return !found
                    }
                    // A missing field (or an empty list) compares as null.
                    return evaluated ? found : cmp.holds(nil)
                }
            }
        }
    }

    /// `body` on the value, or on each element when it is an array; true when `body` held for any.
    static func anyScalar(_ v: JSONRef, _ body: (JSONRef) -> Bool) -> Bool {
        guard v.isArray else { return body(v) }
        var found = false
        v.forEachElement { e in
            found = body(e)
            return !found
        }
        return found
    }

    static func isTruthy(_ v: JSONRef) -> Bool {
        if v.isNull || v.isFalse { return false }
        if v.isString { return v.end - v.start > 2 }
        if v.isArray || v.isObject {
            var p = v.start + 1
            while p < v.end, p.pointee == 0x20 || p.pointee == 0x0A || p.pointee == 0x09 || p.pointee == 0x0D { p += 1 }
            return p < v.end - 1
        }
        return true
    }
}

/// One of `== != < <= > >=` against a literal.
struct WhereComparison {
    let op: WhereOperator
    let value: WhereValue
    private let bytes: [UInt8]
    private let severity: Severity?

    init(op: WhereOperator, value: WhereValue) {
        self.op = op
        self.value = value
        if case let .string(s) = value {
            bytes = Array(s.utf8)
            severity = Severity(parsing: s)
        } else {
            bytes = []
            severity = nil
        }
    }

    /// `v` nil means missing (compared as null). Values of another type only satisfy `!=`.
    func holds(_ v: JSONRef?) -> Bool {
        let order: Int?
        switch value {
        case .null:
            let isNull = v?.isNull ?? true
            return op == .eq ? isNull : (op == .ne ? !isNull : false)
        case let .bool(b):
            guard let v, v.isTrue || v.isFalse else { return op == .ne }
            return (v.isTrue == b) == (op == .eq)
        case let .number(n):
            guard let d = v?.number else { return op == .ne }
            order = d < n ? -1 : (d > n ? 1 : 0)
        case .string:
            guard let v, v.isString else { return op == .ne }
            // Two severity names compare by level (so `severity >= high` and `severity == High` work).
            if let severity, let s = RecordFields.severity(v) {
                order = s.rawValue - severity.rawValue
            } else {
                var decoded: [UInt8] = []
                v.appendDecodedString(to: &decoded)
                order = WhereComparison.compareBytes(decoded, bytes)
            }
        }
        guard let order else { return false }
        switch op {
        case .eq: return order == 0
        case .ne: return order != 0
        case .lt: return order < 0
        case .le: return order <= 0
        case .gt: return order > 0
        case .ge: return order >= 0
        default: return false
        }
    }

    static func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let n = min(a.count, b.count)
        let r = n == 0 ? 0 : a.withUnsafeBytes { x in b.withUnsafeBytes { y in memcmp(x.baseAddress!, y.baseAddress!, n) } }
        if r != 0 { return r < 0 ? -1 : 1 }
        return a.count < b.count ? -1 : (a.count > b.count ? 1 : 0)
    }
}

/// `has`: list membership in canonical form (object elements by `id` or `name`), or substring.
struct WhereHas {
    private let canonical: CanonicalValues
    private let lowered: [UInt8]
    private let value: WhereValue

    init(_ value: WhereValue) {
        self.value = value
        switch value {
        case let .string(s):
            canonical = CanonicalValues([s])
            lowered = ByteText.lowercasedASCII(Array(s.utf8))
        case let .number(n):
            let text = n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
            canonical = CanonicalValues([text])
            lowered = Array(text.utf8)
        case let .bool(b):
            canonical = CanonicalValues([])
            lowered = Array((b ? "true" : "false").utf8)
        case .null:
            canonical = CanonicalValues([])
            lowered = Array("null".utf8)
        }
    }

    func matches(_ v: JSONRef) -> Bool {
        if v.isString {
            guard case .string = value else { return false }
            var text: [UInt8] = []
            v.appendDecodedString(to: &text)
            return ByteText.containsIgnoringASCIICase(&text, lowered)
        }
        guard v.isArray else { return false }
        var found = false
        v.forEachElement { e in
            found = element(e)
            return !found
        }
        return found
    }

    private func element(_ e: JSONRef) -> Bool {
        if e.isString { return canonical.matches(e) }
        if e.isObject {
            if let id = e.member("id"), canonical.matches(id) { return true }
            if let name = e.member("name"), canonical.matches(name) { return true }
            return false
        }
        // Numbers, booleans and null: their JSON text.
        return ByteText.equal(e.bytes, lowered)
    }
}

