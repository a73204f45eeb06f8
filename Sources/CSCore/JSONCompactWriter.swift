#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CJansson

/// Compact serialization of a jansson value straight into a byte buffer, byte for byte what
/// `JSON.serialized()` (jansson's JSON_COMPACT dump) gives, several times faster: strings are copied in
/// runs instead of being decoded code point by code point. For stages that write many large records.
extension JSON {
    /// Appends the compact serialization of this value to `out`.
    public func write(to out: inout [UInt8]) {
        JSONCompactWriter.write(raw, into: &out)
    }
}

enum JSONCompactWriter {
    static func write(_ v: UnsafeMutablePointer<json_t>, into out: inout [UInt8]) {
        switch json_type(rawValue: UInt32(cs_json_typeof(v))) {
        case JSON_OBJECT:
            out.append(UInt8(ascii: "{"))
            var first = true
            var it = json_object_iter(v)
            while let i = it {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                let key = json_object_iter_key(i)!
                key.withMemoryRebound(to: UInt8.self, capacity: 1) { k in
                    writeString(k, json_object_iter_key_len(i), into: &out)
                }
                out.append(UInt8(ascii: ":"))
                write(json_object_iter_value(i), into: &out)
                it = json_object_iter_next(v, i)
            }
            out.append(UInt8(ascii: "}"))
        case JSON_ARRAY:
            out.append(UInt8(ascii: "["))
            for index in 0..<json_array_size(v) {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(json_array_get(v, index), into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case JSON_STRING:
            json_string_value(v)!.withMemoryRebound(to: UInt8.self, capacity: 1) { s in
                writeString(s, json_string_length(v), into: &out)
            }
        case JSON_INTEGER:
            out.append(contentsOf: String(json_integer_value(v)).utf8)
        case JSON_TRUE:
            out.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
        case JSON_FALSE:
            out.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
        case JSON_NULL:
            out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        default:
            // Reals: jansson's own formatting, so that numbers read back the same.
            if let text = json_dumps(v, Int(JSON_COMPACT | JSON_ENCODE_ANY)) {
                text.withMemoryRebound(to: UInt8.self, capacity: 1) { t in
                    var n = 0
                    while t[n] != 0 { n += 1 }
                    out.append(contentsOf: UnsafeBufferPointer(start: t, count: n))
                }
                free(text)
            }
        }
    }

    private static let hex: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// A JSON string as jansson writes it: `"` and `\` escaped, control characters as \b \f \n \r \t or
    /// \u00XX, everything else (UTF-8 included) as is.
    static func writeString(_ s: UnsafePointer<UInt8>, _ count: Int, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var runStart = 0
        var i = 0
        let raw = UnsafeRawPointer(s)
        while i < count {
            // Eight bytes at a time while none of them needs escaping (SWAR: no byte < 0x20, `"` or `\`).
            while i + 8 <= count {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                let control = (w &- ones &* 0x20) & ~w & highs
                let quote = ((w ^ (ones &* 0x22)) &- ones) & ~(w ^ (ones &* 0x22)) & highs
                let backslash = ((w ^ (ones &* 0x5C)) &- ones) & ~(w ^ (ones &* 0x5C)) & highs
                if control | quote | backslash != 0 { break }
                i += 8
            }
            guard i < count else { break }
            let c = s[i]
            if c >= 0x20 && c != 0x22 && c != 0x5C { i += 1; continue }
            if i > runStart { out.append(contentsOf: UnsafeBufferPointer(start: s + runStart, count: i - runStart)) }
            out.append(0x5C)
            switch c {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x08: out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(UInt8(ascii: "f"))
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "t"))
            default: out.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 0x0F)]])
            }
            i += 1
            runStart = i
        }
        if count > runStart { out.append(contentsOf: UnsafeBufferPointer(start: s + runStart, count: count - runStart)) }
        out.append(UInt8(ascii: "\""))
    }
}
