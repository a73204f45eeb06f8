#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// The text a record is matched against (title, summary, content_text), decoded from the JSON string
/// bytes into one reusable buffer, with defanged indicators refanged ("hxxp" -> "http", "[.]" and
/// "(.)" -> ".", "[:]" -> ":"), so every later pass sees plain text.
struct TextBuffer {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(64 << 10) }

    mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    mutating func withMutableBytes<R>(_ body: (UnsafeMutableBufferPointer<UInt8>) -> R) -> R {
        bytes.withUnsafeMutableBufferPointer { body($0) }
    }

    /// How much text of one record is matched: advisories are a few kilobytes; the cap keeps memory
    /// bounded (tokens take about 12 bytes per text byte) when a record carries a whole book.
    static let limit = 1 << 20

    /// Appends a JSON string value (decoded) and a line break; other values are ignored.
    mutating func append(_ ref: JSONRef?) {
        guard let ref, let (content, hasEscape) = ref.stringContent, content.count > 0, bytes.count < Self.limit else { return }
        if !bytes.isEmpty { bytes.append(0x0A) }
        if hasEscape { Self.decode(content, into: &bytes) } else { bytes.append(contentsOf: content) }
        if bytes.count > Self.limit { bytes.removeSubrange(Self.limit...) }
    }

    mutating func append(_ s: String) {
        if !bytes.isEmpty { bytes.append(0x0A) }
        bytes.append(contentsOf: s.utf8)
    }

    /// Decodes JSON string content (validated by RecordScanner) into UTF-8.
    static func decode(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var i = 0
        let n = raw.count
        func hex4(_ at: Int) -> UInt32 {
            var v: UInt32 = 0
            for k in 0..<4 {
                let c = raw[at + k]
                v <<= 4
                switch c {
                case 48...57: v |= UInt32(c - 48)
                case 65...70: v |= UInt32(c - 55)
                default: v |= UInt32(c &- 87) & 15
                }
            }
            return v
        }
        let base = raw.baseAddress!
        while i < n {
            // Copy the run up to the next backslash in one go.
            let stop = memchr(base + i, Int32(UInt8(ascii: "\\")), n - i).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? n
            if stop > i { out.append(contentsOf: UnsafeBufferPointer(start: base + i, count: stop - i)) }
            i = stop
            guard i + 1 < n else { break }
            let e = raw[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard i + 4 <= n else { return }
                var scalar = hex4(i)
                i += 4
                if scalar >= 0xD800, scalar < 0xDC00, i + 6 <= n, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u") {
                    let low = hex4(i + 2)
                    if low >= 0xDC00, low < 0xE000 {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                appendUTF8(Unicode.Scalar(scalar) ?? "\u{FFFD}", to: &out)
            default: out.append(e)   // \" \\ \/
            }
        }
    }

    static func appendUTF8(_ s: Unicode.Scalar, to out: inout [UInt8]) {
        let v = s.value
        switch v {
        case 0..<0x80: out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (v >> 6))); out.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (v >> 12))); out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (v >> 18))); out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }

    // MARK: refanging

    /// Rewrites defanged forms in place. Cheap when there is nothing to do: one pass that looks for the
    /// bytes that start a defanged form.
    mutating func refang() {
        guard needsRefang() else { return }
        let kept = bytes.withUnsafeMutableBufferPointer { b -> Int in
            let n = b.count
            var r = 0, w = 0
            @inline(__always) func at(_ k: Int) -> UInt8 { k < n ? b[k] : 0 }
            @inline(__always) func lower(_ k: Int) -> UInt8 { at(k) | 0x20 }
            while r < n {
                let c = b[r]
                // [.] (.) {.} [dot] (dot) -> .    [:] -> :    [://] -> ://    [/] -> /
                if c == UInt8(ascii: "[") || c == UInt8(ascii: "(") || c == UInt8(ascii: "{") {
                    let close: UInt8 = c == UInt8(ascii: "[") ? UInt8(ascii: "]") : (c == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "}"))
                    let x = at(r + 1)
                    if (x == UInt8(ascii: ".") || x == UInt8(ascii: ":") || x == UInt8(ascii: "/")) && at(r + 2) == close,
                       r > 0, Self.isHostByte(b[r - 1]) || x == UInt8(ascii: ":") {
                        b[w] = x; w += 1; r += 3; continue
                    }
                    if lower(r + 1) == UInt8(ascii: "d"), lower(r + 2) == UInt8(ascii: "o"), lower(r + 3) == UInt8(ascii: "t"),
                       at(r + 4) == close, r > 0, Self.isHostByte(b[r - 1]) {
                        b[w] = UInt8(ascii: "."); w += 1; r += 5; continue
                    }
                    if x == UInt8(ascii: ":"), at(r + 2) == UInt8(ascii: "/"), at(r + 3) == UInt8(ascii: "/"), at(r + 4) == close {
                        b[w] = x; b[w + 1] = UInt8(ascii: "/"); b[w + 2] = UInt8(ascii: "/"); w += 3; r += 5; continue
                    }
                }
                // hxxp, hXXp, hxxps -> http(s), at a word start.
                if c | 0x20 == UInt8(ascii: "h"), lower(r + 1) == UInt8(ascii: "x"), lower(r + 2) == UInt8(ascii: "x"),
                   lower(r + 3) == UInt8(ascii: "p"), r == 0 || !Tokenizer.isWordByte(b[r - 1]) {
                    b[w] = UInt8(ascii: "h"); b[w + 1] = UInt8(ascii: "t"); b[w + 2] = UInt8(ascii: "t"); b[w + 3] = UInt8(ascii: "p")
                    w += 4; r += 4; continue
                }
                b[w] = c; w += 1; r += 1
            }
            return w
        }
        bytes.removeSubrange(kept...)
    }

    /// A defanged form is somewhere: "[.", "(.", "{.", "[:", "[/", "[dot", "(dot", or "hxx".
    /// memchr per opening byte: these bytes are rare in prose, so this costs little.
    private func needsRefang() -> Bool {
        bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress, b.count >= 3 else { return false }
            let n = b.count
            for open in [UInt8(ascii: "["), UInt8(ascii: "("), UInt8(ascii: "{"), UInt8(ascii: "x"), UInt8(ascii: "X")] {
                var i = 0
                while i < n - 2, let p = memchr(base + i, Int32(open), n - 2 - i) {
                    let k = base.distance(to: p.assumingMemoryBound(to: UInt8.self))
                    let x = b[k + 1]
                    if open | 0x20 == UInt8(ascii: "x") {
                        if x | 0x20 == UInt8(ascii: "x"), k > 0, b[k - 1] | 0x20 == UInt8(ascii: "h") { return true }
                    } else if x == UInt8(ascii: ".") || x == UInt8(ascii: ":") || x == UInt8(ascii: "/") {
                        return true
                    } else if x | 0x20 == UInt8(ascii: "d"), k + 3 < n, b[k + 2] | 0x20 == UInt8(ascii: "o"), b[k + 3] | 0x20 == UInt8(ascii: "t") {
                        return true
                    }
                    i = k + 1
                }
            }
            return false
        }
    }

    @inline(__always) static func isHostByte(_ c: UInt8) -> Bool {
        Tokenizer.isWordByte(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
    }
}
