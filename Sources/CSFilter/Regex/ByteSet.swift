/// A set of byte values (256 bits): what one step of a regular expression accepts.
struct ByteSet: Hashable {
    private var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0

    static let all: ByteSet = { var s = ByteSet(); s.insert(0...255); return s }()

    init() {}
    init(_ bytes: some Sequence<UInt8>) { for b in bytes { insert(b) } }

    @inline(__always)
    func contains(_ b: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(b & 63)
        switch b >> 6 {
        case 0: return w0 & bit != 0
        case 1: return w1 & bit != 0
        case 2: return w2 & bit != 0
        default: return w3 & bit != 0
        }
    }

    mutating func insert(_ b: UInt8) {
        let bit = UInt64(1) << UInt64(b & 63)
        switch b >> 6 {
        case 0: w0 |= bit
        case 1: w1 |= bit
        case 2: w2 |= bit
        default: w3 |= bit
        }
    }

    mutating func insert(_ range: ClosedRange<UInt8>) { for b in range { insert(b) } }

    mutating func formUnion(_ other: ByteSet) {
        w0 |= other.w0; w1 |= other.w1; w2 |= other.w2; w3 |= other.w3
    }

    var inverted: ByteSet {
        var s = self
        s.w0 = ~w0; s.w1 = ~w1; s.w2 = ~w2; s.w3 = ~w3
        return s
    }

    var count: Int { w0.nonzeroBitCount + w1.nonzeroBitCount + w2.nonzeroBitCount + w3.nonzeroBitCount }

    /// Closed under ASCII case: with each letter, its other case too (case-insensitive matching).
    var caseFolded: ByteSet {
        var s = self
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") where contains(b) || contains(b + 32) {
            s.insert(b); s.insert(b + 32)
        }
        return s
    }

    /// The byte a case-folded one-letter set stands for (lowercase), or the single member; nil otherwise.
    var literalByte: UInt8? {
        let n = count
        guard n == 1 || n == 2 else { return nil }
        guard let first = (0...255).lazy.map({ UInt8($0) }).first(where: { contains($0) }) else { return nil }
        if n == 1 { return first }
        // Two members: only an upper/lower pair is one (case-insensitive) letter.
        return first >= 65 && first <= 90 && contains(first + 32) ? first + 32 : nil
    }

    static let word: ByteSet = {
        var s = ByteSet()
        s.insert(UInt8(ascii: "a")...UInt8(ascii: "z")); s.insert(UInt8(ascii: "A")...UInt8(ascii: "Z"))
        s.insert(UInt8(ascii: "0")...UInt8(ascii: "9")); s.insert(UInt8(ascii: "_"))
        return s
    }()
    static let digit: ByteSet = { var s = ByteSet(); s.insert(UInt8(ascii: "0")...UInt8(ascii: "9")); return s }()
    /// Space, tab, newline, vertical tab, form feed, carriage return (C `isspace`).
    static let space = ByteSet([0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D])

    /// The POSIX classes of the C locale (`[[:alpha:]]`): ASCII only, like `isalpha` and friends there.
    static func posixClass(_ name: String) -> ByteSet? {
        var s = ByteSet()
        let lower = UInt8(ascii: "a")...UInt8(ascii: "z"), upper = UInt8(ascii: "A")...UInt8(ascii: "Z")
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        switch name {
        case "alpha": s.insert(lower); s.insert(upper)
        case "digit": s.insert(digits)
        case "alnum": s.insert(lower); s.insert(upper); s.insert(digits)
        case "upper": s.insert(upper)
        case "lower": s.insert(lower)
        case "space": s = space
        case "blank": s.insert(0x20); s.insert(0x09)
        case "punct": for b in UInt8(0x21)...0x7E where !(lower ~= b || upper ~= b || digits ~= b) { s.insert(b) }
        case "print": s.insert(0x20...0x7E)
        case "graph": s.insert(0x21...0x7E)
        case "cntrl": s.insert(0...0x1F); s.insert(0x7F)
        case "xdigit": s.insert(digits); s.insert(UInt8(ascii: "a")...UInt8(ascii: "f")); s.insert(UInt8(ascii: "A")...UInt8(ascii: "F"))
        default: return nil
        }
        return s
    }
}
