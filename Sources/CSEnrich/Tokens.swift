/// Token storage that grows but never shrinks: one allocation for the whole stream.
final class TokenStorage {
    private(set) var pointer: UnsafeMutablePointer<Token>
    private var capacity: Int

    init(capacity: Int = 8192) {
        self.capacity = capacity
        pointer = .allocate(capacity: capacity)
    }

    deinit { pointer.deallocate() }

    /// Room for the tokens of a text of `textLength` bytes.
    func reserve(forText textLength: Int) -> UnsafeMutablePointer<Token> {
        let needed = textLength / 2 + 2
        if needed > capacity {
            pointer.deallocate()
            capacity = max(needed, capacity * 2)
            pointer = .allocate(capacity: capacity)
        }
        return pointer
    }
}

/// Words of the text as hashes, so that names are matched by looking tokens up in tables built once,
/// instead of searching the text for each of ~2,000 names.
struct Token {
    var start: Int32
    var end: Int32
    /// FNV-1a of the lowercased bytes (never 0).
    var hash: UInt64
    /// Only ASCII digits.
    var isNumber: Bool
}

enum Tokenizer {
    /// Letters, digits and any non-ASCII byte (so "Doppelgänging" stays one word).
    @inline(__always) static func isWordByte(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c | 0x20 >= 97 && c | 0x20 <= 122) || c >= 0x80
    }

    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    /// Writes the words of `text` to `tokens` (room for `text.count / 2 + 1` needed), with offsets
    /// shifted by `offset`; returns how many.
    static func tokenize(_ text: UnsafeBufferPointer<UInt8>, offset: Int = 0, into tokens: UnsafeMutablePointer<Token>) -> Int {
        guard let base = text.baseAddress else { return 0 }
        let n = text.count
        var count = 0
        ByteClass.table.withUnsafeBufferPointer { classes in
            ByteClass.lower.withUnsafeBufferPointer { lower in
                var i = 0
                while i < n {
                    if classes[Int(base[i])] & ByteClass.word == 0 { i += 1; continue }
                    let start = i
                    var h = offsetBasis
                    var digits = true
                    repeat {
                        let c = base[i]
                        if classes[Int(c)] & ByteClass.digit == 0 { digits = false }
                        h = (h ^ UInt64(lower[Int(c)])) &* prime
                        i += 1
                    } while i < n && classes[Int(base[i])] & ByteClass.word != 0
                    tokens[count] = Token(start: Int32(start + offset), end: Int32(i + offset), hash: h | 1, isNumber: digits)
                    count += 1
                }
            }
        }
        return count
    }

    /// The token hashes of a name ("Brute Force: Password Spraying" -> 4 hashes) and the words as written.
    static func words(_ s: String) -> (hashes: [UInt64], words: [[UInt8]]) {
        let bytes = Array(s.utf8)
        let storage = UnsafeMutablePointer<Token>.allocate(capacity: bytes.count / 2 + 2)
        defer { storage.deallocate() }
        let count = bytes.withUnsafeBufferPointer { tokenize($0, into: storage) }
        let tokens = UnsafeBufferPointer(start: storage, count: count)
        return (tokens.map(\.hash), tokens.map { Array(bytes[Int($0.start)..<Int($0.end)]) })
    }

    static func hash(_ word: String) -> UInt64 { words(word).hashes.first ?? 0 }
}

/// An open-addressing map from token hash to a small integer: the hot lookup of the text pass.
struct HashIndex {
    private var keys: [UInt64]
    private var values: [Int32]
    private let mask: Int

    init(_ pairs: [(UInt64, Int32)]) {
        var size = 16
        while size < pairs.count * 3 { size <<= 1 }
        keys = [UInt64](repeating: 0, count: size)
        values = [Int32](repeating: -1, count: size)
        mask = size - 1
        for (k, v) in pairs {
            var i = Int(truncatingIfNeeded: k >> 7) & mask
            while keys[i] != 0 && keys[i] != k { i = (i + 1) & mask }
            keys[i] = k
            values[i] = v
        }
    }

    @inline(__always) func get(_ k: UInt64) -> Int32? {
        withLookup { $0(k) }
    }

    /// Runs `body` with a lookup function over the table's storage (no reference counting per lookup).
    @inline(__always) func withLookup<R>(_ body: ((UInt64) -> Int32?) -> R) -> R {
        let mask = self.mask
        return keys.withUnsafeBufferPointer { keys in
            values.withUnsafeBufferPointer { values in
                body { k in
                    var i = Int(truncatingIfNeeded: k >> 7) & mask
                    while true {
                        let key = keys[i]
                        if key == k { return values[i] }
                        if key == 0 { return nil }
                        i = (i + 1) & mask
                    }
                }
            }
        }
    }
}
