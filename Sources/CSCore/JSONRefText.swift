#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Decoding string values of a scanned record into byte buffers that callers reuse, so that
/// hot paths (cs-filter's `--grep`, cs-sink's columns) do not allocate a `String` per field.
extension JSONRef {
    /// Appends the decoded UTF-8 content of a string value to `out`; false when the value is not a string.
    @discardableResult
    public func appendDecodedString(to out: inout [UInt8]) -> Bool {
        guard let (content, hasEscape) = stringContent else { return false }
        if hasEscape { JSONRef.appendDecoded(content: content, to: &out) } else { out.append(contentsOf: content) }
        return true
    }

    /// Appends the UTF-8 of JSON string content (the bytes between the quotes, already validated by
    /// `RecordScanner`), decoding its escapes. The one JSON string decoder of cs's read paths.
    public static func appendDecoded(content: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard let base = content.baseAddress else { return }
        let n = content.count
        var i = 0
        func hex4(_ at: Int) -> UInt32 {
            var v: UInt32 = 0
            for k in 0..<4 {
                let c = base[at + k]
                v <<= 4
                switch c {
                case 48...57: v |= UInt32(c - 48)
                case 65...70: v |= UInt32(c - 55)
                default: v |= UInt32(c &- 87) & 15
                }
            }
            return v
        }
        while i < n {
            // Runs without a backslash are copied in bulk; only the escapes are handled byte by byte.
            guard let hit = memchr(base + i, Int32(UInt8(ascii: "\\")), n - i) else {
                out.append(contentsOf: UnsafeBufferPointer(start: base + i, count: n - i))
                break
            }
            let at = hit.assumingMemoryBound(to: UInt8.self) - UnsafeMutablePointer(mutating: base)
            if at > i { out.append(contentsOf: UnsafeBufferPointer(start: base + i, count: at - i)) }
            guard at + 1 < n else { break }
            let e = base[at + 1]
            i = at + 2
            switch e {
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "u"):
                guard i + 4 <= n else { return }
                var scalar = hex4(i)
                i += 4
                // A high surrogate followed by a low one is one scalar; a lone surrogate becomes U+FFFD.
                if scalar >= 0xD800, scalar < 0xDC00, i + 6 <= n, base[i] == UInt8(ascii: "\\"), base[i + 1] == UInt8(ascii: "u") {
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

    /// The decoded string as bytes, or nil when the value is not a string.
    public var decodedBytes: [UInt8]? {
        var out: [UInt8] = []
        return appendDecodedString(to: &out) ? out : nil
    }

    private static func appendUTF8(_ s: Unicode.Scalar, to out: inout [UInt8]) {
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
}
