#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Compact JSON written straight into bytes, members in the order they are written: records are built
/// this way without a jansson tree (allocating, filling, serializing and freeing one per record cost
/// cs-normalize more than reading the feed's XML). The output is byte for byte what jansson's compact
/// dump of the same values gives (JSONCompactWriter's string rules), so a record reads back the same.
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
        var out: [UInt8] = []
        JSONCompactWriter.write(value.raw, into: &out)
        out.withUnsafeBufferPointer { append($0) }
        atStart = false
    }

    // MARK: bytes

    /// A JSON string as jansson writes it: `"` and `\` escaped, control characters as \b \f \n \r \t or
    /// \u00XX, everything else (UTF-8 included) as is.
    private func escape(_ s: UnsafeBufferPointer<UInt8>) {
        let n = s.count
        reserve(n * 6 + 2)   // every byte escaped as \u00XX at worst
        var o = base + count
        o.pointee = UInt8(ascii: "\""); o += 1
        guard let p = s.baseAddress else { o.pointee = UInt8(ascii: "\""); count += 2; return }
        let raw = UnsafeRawPointer(p)
        var i = 0
        var runStart = 0
        while i < n {
            // Eight bytes at a time while none of them needs escaping (SWAR: no byte < 0x20, `"` or `\`).
            while i + 8 <= n {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                let control = (w &- ones &* 0x20) & ~w & highs
                let q = w ^ (ones &* 0x22), b = w ^ (ones &* 0x5C)
                let quote = (q &- ones) & ~q & highs
                let backslash = (b &- ones) & ~b & highs
                if control | quote | backslash != 0 { break }
                i += 8
            }
            guard i < n else { break }
            let c = p[i]
            if c >= 0x20 && c != 0x22 && c != 0x5C { i += 1; continue }
            o.update(from: p + runStart, count: i - runStart); o += i - runStart
            o[0] = 0x5C
            switch c {
            case 0x22: o[1] = 0x22; o += 2
            case 0x5C: o[1] = 0x5C; o += 2
            case 0x08: o[1] = UInt8(ascii: "b"); o += 2
            case 0x0C: o[1] = UInt8(ascii: "f"); o += 2
            case 0x0A: o[1] = UInt8(ascii: "n"); o += 2
            case 0x0D: o[1] = UInt8(ascii: "r"); o += 2
            case 0x09: o[1] = UInt8(ascii: "t"); o += 2
            default:
                let hex: StaticString = "0123456789ABCDEF"
                o[1] = UInt8(ascii: "u"); o[2] = 0x30; o[3] = 0x30
                o[4] = hex.utf8Start[Int(c >> 4)]; o[5] = hex.utf8Start[Int(c & 0x0F)]
                o += 6
            }
            i += 1
            runStart = i
        }
        o.update(from: p + runStart, count: n - runStart); o += n - runStart
        o.pointee = UInt8(ascii: "\""); o += 1
        count = base.distance(to: o)
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
