#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// Byte-level comparisons of the raw (JSON-escaped) string content that `RecordScanner` hands out,
/// so that the common case (canonical, escape-free values) costs a `memcmp` and no allocation.
enum ByteText {
    @inline(__always)
    static func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }

    static func lowercasedASCII(_ bytes: [UInt8]) -> [UInt8] { bytes.map(lower) }

    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8]) -> Bool {
        a.count == b.count && (b.isEmpty || b.withUnsafeBufferPointer { memcmp(a.baseAddress!, $0.baseAddress!, b.count) == 0 })
    }

    /// `b` must already be lowercase.
    static func equalIgnoringASCIICase(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<b.count where lower(a[i]) != b[i] { return false }
        return true
    }

    /// `prefix` must already be lowercase.
    static func hasPrefixIgnoringASCIICase(_ a: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8]) -> Bool {
        guard a.count >= prefix.count else { return false }
        for i in 0..<prefix.count where lower(a[i]) != prefix[i] { return false }
        return true
    }

    /// Whether `Tag.canonical` could turn these raw bytes into something else: escapes, upper case,
    /// separators other than a single inner '-', or non-ASCII text.
    static func needsCanonicalizing(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = raw.first, let last = raw.last else { return false }
        if first == UInt8(ascii: "-") || last == UInt8(ascii: "-") { return true }
        var previous: UInt8 = 0
        for c in raw {
            if c >= 0x80 || (c >= 65 && c <= 90) || c == UInt8(ascii: "\\") || c == UInt8(ascii: "_") || c <= 0x20 { return true }
            if c == UInt8(ascii: "-") && previous == UInt8(ascii: "-") { return true }
            previous = c
        }
        return false
    }

    /// Case-insensitive (ASCII) substring search; `needle` must be lowercase. Lowercases `haystack` in place.
    static func containsIgnoringASCIICase(_ haystack: inout [UInt8], _ needle: [UInt8]) -> Bool {
        haystack.withUnsafeMutableBufferPointer { h in
            for i in 0..<h.count { h[i] = lower(h[i]) }
        }
        return contains(haystack, needle)
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        if needle.isEmpty { return true }
        if haystack.count < needle.count { return false }
        // memchr to each candidate first byte, then memcmp (memmem is a GNU extension Swift does not see).
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                let first = Int32(n[0])
                var p = h.baseAddress!
                let last = h.baseAddress! + (h.count - n.count)   // last possible start
                while p <= last {
                    guard let q = memchr(p, first, last - p + 1) else { return false }
                    let start = q.assumingMemoryBound(to: UInt8.self)
                    if memcmp(start, n.baseAddress!, n.count) == 0 { return true }
                    p = UnsafePointer(start) + 1
                }
                return false
            }
        }
    }
}

/// Values a user gave for a flag, compared in cs's canonical tag form, so that `Entra ID`,
/// `entra_id` and `entra-id` are one value (tags, vendors, products, actors, types).
struct CanonicalValues {
    let values: [[UInt8]]

    init(_ raw: [String]) {
        values = raw.map { Array(Tag.canonical($0).utf8) }.filter { !$0.isEmpty }
    }
    init(canonical: [[UInt8]]) { values = canonical }

    var isEmpty: Bool { values.isEmpty }

    /// A string value equal (canonically) to one of the values.
    func matches(_ ref: JSONRef) -> Bool {
        guard let (content, hasEscape) = ref.stringContent else { return false }
        for v in values where ByteText.equal(content, v) { return true }
        guard hasEscape || ByteText.needsCanonicalizing(content), let s = ref.string else { return false }
        let c = Array(Tag.canonical(s).utf8)
        return values.contains(c)
    }

    /// A string value, or an array with a string element, that matches.
    func matchesAny(_ ref: JSONRef) -> Bool {
        if ref.isString { return matches(ref) }
        var found = false
        ref.forEachElement { e in
            if matches(e) { found = true; return false }
            return true
        }
        return found
    }
}
