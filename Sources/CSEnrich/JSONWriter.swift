/// Appends compact JSON to a byte buffer, the way jansson serializes it (keys in the order written,
/// no spaces, non-ASCII as UTF-8, only `"`, `\` and control characters escaped), so that the enriched
/// members read the same whether a record took the fast path or went through jansson.
struct JSONWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ s: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    mutating func byte(_ c: UInt8) { bytes.append(c) }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { u in
            bytes.append(UInt8(ascii: "\""))
            var run = 0
            for i in 0..<u.count {
                let c = u[i]
                guard c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 else { continue }
                if i > run { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[run..<i])) }
                escape(c)
                run = i + 1
            }
            if u.count > run { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[run..<u.count])) }
            bytes.append(UInt8(ascii: "\""))
        }
    }

    private mutating func escape(_ c: UInt8) {
        switch c {
        case UInt8(ascii: "\""): raw("\\\"")
        case UInt8(ascii: "\\"): raw("\\\\")
        case 0x0A: raw("\\n")
        case 0x09: raw("\\t")
        case 0x0D: raw("\\r")
        case 0x08: raw("\\b")
        case 0x0C: raw("\\f")
        default:
            raw("\\u00")
            bytes.append(Self.hex[Int(c >> 4)])
            bytes.append(Self.hex[Int(c & 15)])
        }
    }

    /// `"key":`
    mutating func key(_ k: StaticString) {
        byte(UInt8(ascii: "\""))
        raw(k)
        raw("\":")
    }

    mutating func strings(_ values: [String]) {
        byte(UInt8(ascii: "["))
        for (i, v) in values.enumerated() {
            if i > 0 { byte(UInt8(ascii: ",")) }
            string(v)
        }
        byte(UInt8(ascii: "]"))
    }

    // Upper case, as jansson writes them: the rebuild path (a record enriched again) serializes with jansson,
    // and both paths must give the same bytes (a tag with U+001E differed; found by fuzz-enrich).
    private static let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
}
