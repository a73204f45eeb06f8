/// A parsed regular expression: what `RegexParser` reads and `RegexProgram` compiles.
indirect enum RegexNode {
    case empty
    /// One byte out of the set (a literal, `.`, a bracket expression or `\d`-style class).
    case bytes(ByteSet)
    case concat([RegexNode])
    case alternate([RegexNode])
    /// `max` nil: unbounded (`*`, `+`, `{m,}`).
    case repetition(RegexNode, min: Int, max: Int?)
    case assertion(RegexAssertion)
}

/// Zero-width tests: `^ $ \b \B \< \>`.
enum RegexAssertion: Int32 {
    case begin, end, wordBoundary, notWordBoundary, wordStart, wordEnd

    /// Whether the test holds between the byte before (`prevWord`: it was a word byte) and the next one.
    func holds(atStart: Bool, atEnd: Bool, prevWord: Bool, nextWord: Bool) -> Bool {
        switch self {
        case .begin: return atStart
        case .end: return atEnd
        case .wordBoundary: return prevWord != nextWord
        case .notWordBoundary: return prevWord == nextWord
        case .wordStart: return !prevWord && nextWord
        case .wordEnd: return prevWord && !nextWord
        }
    }
}

struct RegexSyntaxError: Error {
    let message: String
}

/// Reads the POSIX extended syntax (docs/cs-filter.md, "Regular expressions"): literals, `.`, bracket
/// expressions with ranges and `[:class:]`, `^ $`, groups, `|`, `* + ? {m,n}`, and the escapes
/// `\d \D \w \W \s \S \b \B \< \> \n \t \r`. Back-references are refused: no engine matches them in
/// linear time. Matching is on bytes; case-insensitive matching folds ASCII letters.
struct RegexParser {
    /// The largest count a `{m,n}` may give (the compiled program is capped separately).
    static let maxRepeat = 1000
    /// Groups nested deeper than this are refused (parsing and compiling recurse).
    static let maxNesting = 100

    private let p: [UInt8]
    private var i = 0
    private var depth = 0
    private let caseInsensitive: Bool

    static func parse(_ pattern: [UInt8], caseInsensitive: Bool) throws(RegexSyntaxError) -> RegexNode {
        var parser = RegexParser(p: pattern, caseInsensitive: caseInsensitive)
        let node = try parser.alternation()
        // alternation() only stops early at a ')' closing a group, and there is none at depth 0.
        precondition(parser.i == pattern.count)
        return node
    }

    private init(p: [UInt8], caseInsensitive: Bool) {
        self.p = p
        self.caseInsensitive = caseInsensitive
    }

    private func fail(_ message: String, at position: Int) -> RegexSyntaxError {
        RegexSyntaxError(message: "\(message) at offset \(position)")
    }

    private mutating func alternation() throws(RegexSyntaxError) -> RegexNode {
        var branches = [try concatenation()]
        while i < p.count, p[i] == UInt8(ascii: "|") {
            i += 1
            branches.append(try concatenation())
        }
        return branches.count == 1 ? branches[0] : .alternate(branches)
    }

    private mutating func concatenation() throws(RegexSyntaxError) -> RegexNode {
        var items: [RegexNode] = []
        while i < p.count {
            let c = p[i]
            if c == UInt8(ascii: "|") || (c == UInt8(ascii: ")") && depth > 0) { break }
            let start = i
            var node = try atom()
            while i < p.count, let (lo, hi) = try repetition() {
                // `^*` is refused as glibc does; a group such as `($)+` may repeat.
                if case .assertion = node, p[start] != UInt8(ascii: "(") { throw fail("nothing to repeat before '\(Character(Unicode.Scalar(p[start])))'", at: start) }
                node = .repetition(node, min: lo, max: hi)
            }
            items.append(node)
        }
        return items.isEmpty ? .empty : (items.count == 1 ? items[0] : .concat(items))
    }

    /// `* + ? {m} {m,} {m,n} {,n}` at the current position, or nil.
    private mutating func repetition() throws(RegexSyntaxError) -> (Int, Int?)? {
        switch p[i] {
        case UInt8(ascii: "*"): i += 1; return (0, nil)
        case UInt8(ascii: "+"): i += 1; return (1, nil)
        case UInt8(ascii: "?"): i += 1; return (0, 1)
        case UInt8(ascii: "{"):
            let open = i
            i += 1
            let lo = number(), comma = i < p.count && p[i] == UInt8(ascii: ",")
            if comma { i += 1 }
            let hi = comma ? number() : lo
            guard i < p.count, p[i] == UInt8(ascii: "}"), lo != nil || comma else {
                throw fail("'{' does not start a valid {m,n} interval", at: open)
            }
            i += 1
            let m = lo ?? 0
            if let hi, hi < m { throw fail("{\(m),\(hi)}: the maximum is below the minimum", at: open) }
            if max(m, hi ?? 0) > RegexParser.maxRepeat { throw fail("{m,n} counts above \(RegexParser.maxRepeat) are not supported", at: open) }
            return (m, hi)
        default:
            return nil
        }
    }

    /// Decimal digits (up to a bound that keeps the value small), or nil when there are none.
    private mutating func number() -> Int? {
        var value: Int? = nil
        while i < p.count, p[i] >= UInt8(ascii: "0"), p[i] <= UInt8(ascii: "9") {
            value = min((value ?? 0) * 10 + Int(p[i] - UInt8(ascii: "0")), 1_000_000)
            i += 1
        }
        return value
    }

    private mutating func atom() throws(RegexSyntaxError) -> RegexNode {
        let c = p[i]
        switch c {
        case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"):
            throw fail("nothing to repeat before '\(Character(Unicode.Scalar(c)))'", at: i)
        case UInt8(ascii: "("):
            guard depth < RegexParser.maxNesting else { throw fail("groups nested deeper than \(RegexParser.maxNesting)", at: i) }
            let open = i
            i += 1
            depth += 1
            let inner = try alternation()
            depth -= 1
            guard i < p.count, p[i] == UInt8(ascii: ")") else { throw fail("unmatched '('", at: open) }
            i += 1
            return inner
        case UInt8(ascii: "."):
            i += 1
            return .bytes(.all)
        case UInt8(ascii: "^"):
            i += 1
            return .assertion(.begin)
        case UInt8(ascii: "$"):
            i += 1
            return .assertion(.end)
        case UInt8(ascii: "["):
            return .bytes(try bracket())
        case UInt8(ascii: "\\"):
            return try escape()
        default:
            // Includes a ')' that closes no group: a literal, as in glibc.
            i += 1
            return literal(c)
        }
    }

    private func literal(_ c: UInt8) -> RegexNode {
        let s = ByteSet([c])
        return .bytes(caseInsensitive ? s.caseFolded : s)
    }

    private mutating func escape() throws(RegexSyntaxError) -> RegexNode {
        guard i + 1 < p.count else { throw fail("trailing backslash", at: i) }
        let c = p[i + 1]
        defer { i += 2 }
        switch c {
        case UInt8(ascii: "1")...UInt8(ascii: "9"):
            throw RegexSyntaxError(message: "back-references such as \\\(Character(Unicode.Scalar(c))) are not supported (no engine matches them in linear time)")
        case UInt8(ascii: "d"): return .bytes(.digit)
        case UInt8(ascii: "D"): return .bytes(ByteSet.digit.inverted)
        case UInt8(ascii: "w"): return .bytes(.word)
        case UInt8(ascii: "W"): return .bytes(ByteSet.word.inverted)
        case UInt8(ascii: "s"): return .bytes(.space)
        case UInt8(ascii: "S"): return .bytes(ByteSet.space.inverted)
        case UInt8(ascii: "b"): return .assertion(.wordBoundary)
        case UInt8(ascii: "B"): return .assertion(.notWordBoundary)
        case UInt8(ascii: "<"): return .assertion(.wordStart)
        case UInt8(ascii: ">"): return .assertion(.wordEnd)
        case UInt8(ascii: "n"): return .bytes(ByteSet([0x0A]))
        case UInt8(ascii: "t"): return .bytes(ByteSet([0x09]))
        case UInt8(ascii: "r"): return .bytes(ByteSet([0x0D]))
        case UInt8(ascii: "0"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            // Other engines give these meanings (\x41, \p{L}, \A): refusing them beats matching a plain letter.
            throw fail("unknown escape '\\\(Character(Unicode.Scalar(c)))'", at: i)
        default:
            return literal(c)   // \. \* \\ \( ...: the character itself
        }
    }

    /// `[...]` / `[^...]`: a leading ']' is literal, '-' is literal first or last, a backslash is literal
    /// (POSIX), `[:class:]`, `[=c=]` and `[.c.]` name classes and single characters.
    private mutating func bracket() throws(RegexSyntaxError) -> ByteSet {
        let open = i
        i += 1
        var set = ByteSet()
        let negated = i < p.count && p[i] == UInt8(ascii: "^")
        if negated { i += 1 }
        var first = true
        while true {
            guard i < p.count else { throw fail("unmatched '['", at: open) }
            if p[i] == UInt8(ascii: "]") && !first { i += 1; break }
            first = false
            let itemStart = i
            if let named = try namedClass() {
                set.formUnion(named)
                continue
            }
            let low = try bracketByte()
            if i + 1 < p.count, p[i] == UInt8(ascii: "-"), p[i + 1] != UInt8(ascii: "]") {
                i += 1
                if i + 1 < p.count, p[i] == UInt8(ascii: "["), p[i + 1] == UInt8(ascii: ":") {
                    throw fail("a range cannot end in a character class", at: itemStart)
                }
                let high = try bracketByte()
                guard low <= high else { throw fail("invalid range end", at: itemStart) }
                set.insert(low...high)
            } else {
                set.insert(low)
            }
        }
        if caseInsensitive { set = set.caseFolded }
        return negated ? set.inverted : set
    }

    /// `[:name:]` at the current position, or nil.
    private mutating func namedClass() throws(RegexSyntaxError) -> ByteSet? {
        guard i + 1 < p.count, p[i] == UInt8(ascii: "["), p[i + 1] == UInt8(ascii: ":") else { return nil }
        let at = i
        let name = try delimited(UInt8(ascii: ":"))
        guard let set = ByteSet.posixClass(String(decoding: name, as: UTF8.self)) else {
            throw fail("unknown character class '[:\(String(decoding: name, as: UTF8.self)):]'", at: at)
        }
        return set
    }

    /// One byte inside brackets: a plain byte, or `[=c=]` / `[.c.]` naming a single character.
    private mutating func bracketByte() throws(RegexSyntaxError) -> UInt8 {
        guard i < p.count else { throw fail("unmatched '['", at: i) }
        if i + 1 < p.count, p[i] == UInt8(ascii: "["), p[i + 1] == UInt8(ascii: "=") || p[i + 1] == UInt8(ascii: ".") {
            let at = i
            let content = try delimited(p[i + 1])
            guard content.count == 1 else { throw fail("only single characters can be named in [= =] and [. .]", at: at) }
            return content[0]
        }
        defer { i += 1 }
        return p[i]
    }

    /// The text of `[Xtext X]` (X being ':', '=' or '.'), moving past it.
    private mutating func delimited(_ x: UInt8) throws(RegexSyntaxError) -> ArraySlice<UInt8> {
        let start = i
        var k = i + 2
        while k + 1 < p.count, !(p[k] == x && p[k + 1] == UInt8(ascii: "]")) { k += 1 }
        guard k + 1 < p.count else { throw fail("unterminated '[\(Character(Unicode.Scalar(x)))'", at: start) }
        i = k + 2
        return p[(start + 2)..<k]
    }
}
