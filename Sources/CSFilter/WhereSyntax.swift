/// The `--where` language, for what the flags cannot say.
///
///     expr       := or
///     or         := and ( ("or" | "||") and )*
///     and        := unary ( ("and" | "&&") unary )*
///     unary      := ("not" | "!") unary | "(" or ")" | test
///     test       := PATH [ OP value ]
///     OP         := == | = | != | < | <= | > | >= | has | =~ | !~
///     value      := "quoted string" | number | true | false | null | bareword
///     PATH       := name ( "." name )*          e.g. severity, source.format, attack.tactics.id
///
/// Semantics (docs/cs-filter.md has examples):
/// - A PATH alone is true when it reaches a value that is not null, false, "", [] or {}.
/// - Comparisons read the value the PATH reaches; arrays met on the way are entered, and a
///   comparison on a list is true when any element satisfies it. A missing field is null.
/// - `<` `<=` `>` `>=` order severities by rank when both sides are severity names
///   (`severity >= high`); otherwise strings compare as bytes (so RFC 3339 dates compare by time:
///   `published >= "2026-04-01"`), numbers as numbers.
/// - `has`: on a list, an element equal to the value in canonical tag form (`Credential Access` =
///   `credential_access`), where an object element counts by its `id` or `name`
///   (`attack.tactics has "TA0006"`); on a string, a case-insensitive substring.
/// - `=~` / `!~`: POSIX extended regex, case-insensitive, on string values.
/// - Barewords are strings: `type == advisory`, `severity >= high`.
indirect enum WhereNode: Equatable {
    case and(WhereNode, WhereNode)
    case or(WhereNode, WhereNode)
    case not(WhereNode)
    case truthy(path: String)
    case compare(path: String, op: WhereOperator, value: WhereValue, column: Int)
}

enum WhereOperator: String, Equatable {
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
    case has = "has", matches = "=~", notMatches = "!~"
}

enum WhereValue: Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
}

/// A problem in a `--where` expression, at a 1-based column.
struct WhereSyntaxError: Error {
    let message: String
    let column: Int
}

struct WhereToken: Equatable {
    enum Kind: Equatable {
        case word(String)          // a path, a keyword or a bareword value
        case string(String)        // "quoted"
        case op(WhereOperator)
        case lparen, rparen, and, or, not
        case end
    }
    let kind: Kind
    let column: Int
}

enum WhereLexer {
    static func tokens(_ text: String) throws(WhereSyntaxError) -> [WhereToken] {
        let b = Array(text.utf8)
        var i = 0
        var out: [WhereToken] = []
        func isWordByte(_ c: UInt8) -> Bool {
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 0x80
                || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: ":")
                || c == UInt8(ascii: "/") || c == UInt8(ascii: "+")
        }
        while i < b.count {
            let c = b[i]
            let column = i + 1
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1; continue }
            func two(_ s: String) -> Bool { i + 1 < b.count && b[i] == s.utf8.first! && b[i + 1] == s.utf8.last! }
            switch c {
            case UInt8(ascii: "("): out.append(WhereToken(kind: .lparen, column: column)); i += 1
            case UInt8(ascii: ")"): out.append(WhereToken(kind: .rparen, column: column)); i += 1
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                let quote = c
                var s: [UInt8] = []
                i += 1
                var closed = false
                while i < b.count {
                    if b[i] == UInt8(ascii: "\\"), i + 1 < b.count { s.append(b[i + 1]); i += 2; continue }
                    if b[i] == quote { closed = true; i += 1; break }
                    s.append(b[i]); i += 1
                }
                guard closed else { throw WhereSyntaxError(message: "unterminated string", column: column) }
                out.append(WhereToken(kind: .string(String(decoding: s, as: UTF8.self)), column: column))
            case UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), UInt8(ascii: "|"):
                let kind: WhereToken.Kind
                if two("==") { kind = .op(.eq); i += 2 }
                else if two("=~") { kind = .op(.matches); i += 2 }
                else if two("!=") { kind = .op(.ne); i += 2 }
                else if two("!~") { kind = .op(.notMatches); i += 2 }
                else if two("<=") { kind = .op(.le); i += 2 }
                else if two(">=") { kind = .op(.ge); i += 2 }
                else if two("&&") { kind = .and; i += 2 }
                else if two("||") { kind = .or; i += 2 }
                else if c == UInt8(ascii: "=") { kind = .op(.eq); i += 1 }
                else if c == UInt8(ascii: "<") { kind = .op(.lt); i += 1 }
                else if c == UInt8(ascii: ">") { kind = .op(.gt); i += 1 }
                else if c == UInt8(ascii: "!") { kind = .not; i += 1 }
                else { throw WhereSyntaxError(message: "unexpected '\(Character(Unicode.Scalar(c)))' (did you mean '\(Character(Unicode.Scalar(c)))\(Character(Unicode.Scalar(c)))'?)", column: column) }
                out.append(WhereToken(kind: kind, column: column))
            default:
                guard isWordByte(c) else {
                    throw WhereSyntaxError(message: "unexpected character '\(Character(Unicode.Scalar(c)))'", column: column)
                }
                let start = i
                while i < b.count, isWordByte(b[i]) { i += 1 }
                let word = String(decoding: b[start..<i], as: UTF8.self)
                switch word.lowercased() {
                case "and": out.append(WhereToken(kind: .and, column: column))
                case "or": out.append(WhereToken(kind: .or, column: column))
                case "not": out.append(WhereToken(kind: .not, column: column))
                case "has": out.append(WhereToken(kind: .op(.has), column: column))
                default: out.append(WhereToken(kind: .word(word), column: column))
                }
            }
        }
        out.append(WhereToken(kind: .end, column: b.count + 1))
        return out
    }
}

/// Recursive descent over the tokens; every error names the column where it was noticed.
struct WhereParser {
    private let tokens: [WhereToken]
    private var at = 0
    /// Bounds on the tree the parser builds: it is compiled and evaluated recursively, so an expression
    /// such as 50,000 '(' or 'a and a and …' repeated 10,000 times overflowed the stack (found by fuzz-where).
    static let maxNesting = 100
    static let maxOperators = 1000
    private var nesting = 0
    private var operators = 0

    static func parse(_ text: String) throws(WhereSyntaxError) -> WhereNode {
        var p = WhereParser(tokens: try WhereLexer.tokens(text))
        if p.peek.kind == .end { throw WhereSyntaxError(message: "empty expression", column: 1) }
        let node = try p.orExpr()
        guard p.peek.kind == .end else {
            if p.peek.kind == .rparen { throw WhereSyntaxError(message: "unmatched ')'", column: p.peek.column) }
            throw WhereSyntaxError(message: "expected 'and', 'or' or the end, found \(p.describe(p.peek))", column: p.peek.column)
        }
        return node
    }

    private init(tokens: [WhereToken]) { self.tokens = tokens }

    private var peek: WhereToken { tokens[at] }
    private mutating func take() -> WhereToken { let t = tokens[at]; if at < tokens.count - 1 { at += 1 }; return t }

    private func describe(_ t: WhereToken) -> String {
        switch t.kind {
        case let .word(w): return "'\(w)'"
        case let .string(s): return "\"\(s)\""
        case let .op(o): return "'\(o.rawValue)'"
        case .lparen: return "'('"
        case .rparen: return "')'"
        case .and: return "'and'"
        case .or: return "'or'"
        case .not: return "'not'"
        case .end: return "the end of the expression"
        }
    }

    private mutating func orExpr() throws(WhereSyntaxError) -> WhereNode {
        var left = try andExpr()
        while peek.kind == .or {
            try countOperator(take())
            left = .or(left, try andExpr())
        }
        return left
    }

    private mutating func andExpr() throws(WhereSyntaxError) -> WhereNode {
        var left = try unary()
        while peek.kind == .and {
            try countOperator(take())
            left = .and(left, try unary())
        }
        return left
    }

    private mutating func countOperator(_ t: WhereToken) throws(WhereSyntaxError) {
        operators += 1
        if operators > WhereParser.maxOperators {
            throw WhereSyntaxError(message: "more than \(WhereParser.maxOperators) 'and'/'or' in one expression", column: t.column)
        }
    }

    private mutating func unary() throws(WhereSyntaxError) -> WhereNode {
        let t = take()
        if t.kind == .not || t.kind == .lparen {
            nesting += 1
            if nesting > WhereParser.maxNesting {
                throw WhereSyntaxError(message: "'not' and '(' nested deeper than \(WhereParser.maxNesting) levels", column: t.column)
            }
        }
        defer { if t.kind == .not || t.kind == .lparen { nesting -= 1 } }
        switch t.kind {
        case .not:
            return .not(try unary())
        case .lparen:
            let inner = try orExpr()
            guard peek.kind == .rparen else {
                throw WhereSyntaxError(message: "expected ')' to close the '(' at column \(t.column), found \(describe(peek))", column: peek.column)
            }
            _ = take()
            return inner
        case let .word(path):
            return try test(path: path, column: t.column)
        default:
            throw WhereSyntaxError(message: "expected a field name, 'not' or '(', found \(describe(t))", column: t.column)
        }
    }

    private mutating func test(path: String, column: Int) throws(WhereSyntaxError) -> WhereNode {
        guard path.utf8.first.map({ !($0 >= 48 && $0 <= 57) && $0 != UInt8(ascii: "-") }) ?? false,
              path.utf8.allSatisfy({ $0 != UInt8(ascii: ":") && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "+") }),
              // Bytes, not Characters: "." followed by a combining mark is one Character, so a Character split
              // let ".\u{319}" through to RecordPath, which rejects it (a trap; found by fuzz-where).
              !path.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).contains(where: \.isEmpty) else {
            throw WhereSyntaxError(message: "'\(path)' is not a field name (names look like severity or attack.tactics.id)", column: column)
        }
        guard case let .op(op) = peek.kind else { return .truthy(path: path) }
        _ = take()   // the operator
        let v = take()
        let value: WhereValue
        switch v.kind {
        case let .string(s): value = .string(s)
        case let .word(w):
            switch w {
            case "true": value = .bool(true)
            case "false": value = .bool(false)
            case "null": value = .null
            default:
                if let first = w.utf8.first, (first >= 48 && first <= 57) || first == UInt8(ascii: "-"), let d = Double(w) {
                    value = .number(d)
                } else {
                    value = .string(w)
                }
            }
        default:
            throw WhereSyntaxError(message: "expected a value after '\(op.rawValue)', found \(describe(v))", column: v.column)
        }
        if op == .matches || op == .notMatches, case .string = value {} else if op == .matches || op == .notMatches {
            throw WhereSyntaxError(message: "'\(op.rawValue)' needs a regular expression in quotes", column: v.column)
        }
        if [.lt, .le, .gt, .ge].contains(op), value == .null || value == .bool(true) || value == .bool(false) {
            throw WhereSyntaxError(message: "'\(op.rawValue)' cannot order \(describe(v))", column: v.column)
        }
        return .compare(path: path, op: op, value: value, column: v.column)
    }
}
