#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CJansson

/// Compact JSON written straight into bytes, members in the order they are written: records are built
/// this way without a jansson tree (allocating, filling, serializing and freeing one per record cost
/// cs-normalize more than reading the feed's XML). The output is byte for byte what jansson's compact
/// dump of the same values gives, so a record reads back the same: strings with `"` and `\` escaped,
/// control characters as \b \f \n \r \t or \u00XX, everything else (UTF-8 included) as is.
///
/// The buffer is raw memory owned by the writer (freed in deinit): strings are escaped straight into
/// it, without an array append per unescaped run.
public final class JSONBytesWriter {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    /// Nothing written yet in the innermost open object or array (no comma before the next member).
    private var atStart = true

    public init(capacity: Int = 4096) {
        self.capacity = max(64, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// What has been written.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Empties the buffer for the next document, keeping its capacity.
    public func reset() {
        count = 0
        atStart = true
    }

    // MARK: containers

    public func beginObject() { separate(); put(UInt8(ascii: "{")); atStart = true }
    public func endObject() { put(UInt8(ascii: "}")); atStart = false }
    public func beginArray() { separate(); put(UInt8(ascii: "[")); atStart = true }
    public func endArray() { put(UInt8(ascii: "]")); atStart = false }

    /// A member name; the value written next belongs to it. Names are cs's own field names: plain ASCII.
    public func key(_ name: StaticString) {
        separate()
        let n = name.utf8CodeUnitCount
        reserve(n + 3)
        base[count] = UInt8(ascii: "\"")
        (base + count + 1).update(from: name.utf8Start, count: n)
        base[count + 1 + n] = UInt8(ascii: "\"")
        base[count + 2 + n] = UInt8(ascii: ":")
        count += n + 3
        atStart = true   // the value follows the colon without a comma
    }

    // MARK: values

    public func string(_ value: String) {
        separate()
        var value = value
        value.withUTF8 { escape($0) }
        atStart = false
    }

    /// A string, or null when there is none.
    public func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    public func null() { separate(); append("null"); atStart = false }

    public func bool(_ value: Bool) { separate(); append(value ? "true" : "false"); atStart = false }

    /// An array of strings.
    public func strings(_ values: [String]) {
        beginArray()
        for v in values { string(v) }
        endArray()
    }

    /// A jansson value, serialized as jansson would.
    public func json(_ value: JSON) {
        separate()
        write(value.raw)
        atStart = false
    }

    private func write(_ v: UnsafeMutablePointer<json_t>) {
        switch json_type(rawValue: UInt32(cs_json_typeof(v))) {
        case JSON_OBJECT:
            put(UInt8(ascii: "{"))
            var it = json_object_iter(v)
            var first = true
            while let i = it {
                if !first { put(UInt8(ascii: ",")) }
                first = false
                json_object_iter_key(i)!.withMemoryRebound(to: UInt8.self, capacity: 1) { k in
                    escape(UnsafeBufferPointer(start: k, count: json_object_iter_key_len(i)))
                }
                put(UInt8(ascii: ":"))
                write(json_object_iter_value(i))
                it = json_object_iter_next(v, i)
            }
            put(UInt8(ascii: "}"))
        case JSON_ARRAY:
            put(UInt8(ascii: "["))
            for index in 0..<json_array_size(v) {
                if index > 0 { put(UInt8(ascii: ",")) }
                write(json_array_get(v, index))
            }
            put(UInt8(ascii: "]"))
        case JSON_STRING:
            json_string_value(v)!.withMemoryRebound(to: UInt8.self, capacity: 1) { s in
                escape(UnsafeBufferPointer(start: s, count: json_string_length(v)))
            }
        case JSON_INTEGER:
            var digits = String(json_integer_value(v))
            digits.withUTF8 { append($0) }
        case JSON_TRUE: append("true")
        case JSON_FALSE: append("false")
        case JSON_NULL: append("null")
        default:
            // Reals: jansson's own formatting, so that numbers read back the same.
            if let text = json_dumps(v, Int(JSON_COMPACT | JSON_ENCODE_ANY)) {
                text.withMemoryRebound(to: UInt8.self, capacity: 1) { t in append(UnsafeBufferPointer(start: t, count: strlen(text))) }
                free(text)
            }
        }
    }

    // MARK: bytes

    /// A JSON string, quoted and escaped (the rules above).
    private func escape(_ s: UnsafeBufferPointer<UInt8>) {
        let n = s.count
        reserve(n * 6 + 2)   // every byte escaped as \u00XX at worst
        var o = base + count
        o.pointee = UInt8(ascii: "\""); o += 1
        if let p = s.baseAddress {
            let raw = UnsafeRawPointer(p)
            let out = UnsafeMutableRawPointer(o)
            var i = 0, w = 0   // read and write offsets
            while i + 8 <= n {
                // Eight bytes at a time: stored as they are when none needs escaping (SWAR: no byte < 0x20,
                // `"` or `\`), else the bytes up to the first one that does are.
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                let q = word ^ (ones &* 0x22), b = word ^ (ones &* 0x5C)
                let special = ((word &- ones &* 0x20) & ~word | (q &- ones) & ~q | (b &- ones) & ~b) & highs
                out.storeBytes(of: word, toByteOffset: w, as: UInt64.self)
                if special == 0 { i += 8; w += 8; continue }
                // The lowest flagged byte is the first one needing escape (borrows only run upwards).
                let plain = special.trailingZeroBitCount >> 3
                i += plain; w += plain
                w += Self.escapeByte(p[i], into: out + w)
                i += 1
            }
            while i < n {
                let c = p[i]
                if c >= 0x20 && c != 0x22 && c != 0x5C { out.storeBytes(of: c, toByteOffset: w, as: UInt8.self); w += 1 }
                else { w += Self.escapeByte(c, into: out + w) }
                i += 1
            }
            o += w
        }
        o.pointee = UInt8(ascii: "\""); o += 1
        count = base.distance(to: o)
    }

    /// Writes the escape for one byte that needs it (`"`, `\`, a control character); returns its length.
    @inline(__always)
    private static func escapeByte(_ c: UInt8, into o: UnsafeMutableRawPointer) -> Int {
        o.storeBytes(of: 0x5C, as: UInt8.self)
        let short: UInt8
        switch c {
        case 0x22: short = 0x22
        case 0x5C: short = 0x5C
        case 0x08: short = UInt8(ascii: "b")
        case 0x0C: short = UInt8(ascii: "f")
        case 0x0A: short = UInt8(ascii: "n")
        case 0x0D: short = UInt8(ascii: "r")
        case 0x09: short = UInt8(ascii: "t")
        default:
            let hex: StaticString = "0123456789ABCDEF"
            o.storeBytes(of: UInt8(ascii: "u"), toByteOffset: 1, as: UInt8.self)
            o.storeBytes(of: 0x30, toByteOffset: 2, as: UInt8.self)
            o.storeBytes(of: 0x30, toByteOffset: 3, as: UInt8.self)
            o.storeBytes(of: hex.utf8Start[Int(c >> 4)], toByteOffset: 4, as: UInt8.self)
            o.storeBytes(of: hex.utf8Start[Int(c & 0x0F)], toByteOffset: 5, as: UInt8.self)
            return 6
        }
        o.storeBytes(of: short, toByteOffset: 1, as: UInt8.self)
        return 2
    }

    @inline(__always)
    private func separate() {
        if !atStart { put(UInt8(ascii: ",")) }
    }

    @inline(__always)
    private func put(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    private func append(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private func append(_ b: UnsafeBufferPointer<UInt8>) {
        guard let p = b.baseAddress else { return }
        reserve(b.count)
        (base + count).update(from: p, count: b.count)
        count += b.count
    }

    /// Room for `extra` more bytes.
    @inline(__always)
    private func reserve(_ extra: Int) {
        if count + extra <= capacity { return }
        grow(count + extra)
    }

    private func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = newCapacity
    }
}

extension JSON {
    /// Appends the compact serialization of this value to `out`: byte for byte jansson's JSON_COMPACT
    /// dump (`serialized()`), without jansson's code-point-at-a-time string encoding.
    public func write(to out: inout [UInt8]) {
        let writer = JSONBytesWriter()
        writer.json(self)
        out.append(contentsOf: writer.bytes)
    }
}
