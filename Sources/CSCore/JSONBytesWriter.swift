/// Compact JSON written straight into bytes, members in the order they are written: records are built
/// this way without a jansson tree (allocating, filling, serializing and freeing one per record cost
/// cs-normalize more than reading the feed's XML). The output is byte for byte what jansson's compact
/// dump of the same values gives (JSONCompactWriter's string rules), so a record reads back the same.
public struct JSONBytesWriter {
    public private(set) var bytes: [UInt8] = []
    /// Nothing written yet in the innermost open object or array (no comma before the next member).
    private var atStart = true

    public init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    /// Empties the buffer for the next document, keeping its capacity.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        atStart = true
    }

    // MARK: containers

    public mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); atStart = true }
    public mutating func endObject() { bytes.append(UInt8(ascii: "}")); atStart = false }
    public mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); atStart = true }
    public mutating func endArray() { bytes.append(UInt8(ascii: "]")); atStart = false }

    /// A member name; the value written next belongs to it. Names are cs's own field names: plain ASCII.
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        atStart = true   // the value follows the colon without a comma
    }

    /// A member name from data (extension keys), escaped like any string.
    public mutating func key(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
        atStart = true
    }

    // MARK: values

    public mutating func string(_ value: String) {
        separate()
        var value = value
        value.withUTF8 { buf in
            // An empty String's buffer may have no base address; any non-nil pointer serves for zero bytes.
            let base = buf.baseAddress ?? UnsafePointer(bitPattern: 1)!
            JSONCompactWriter.writeString(base, buf.count, into: &bytes)
        }
        atStart = false
    }

    /// A string, or null when there is none.
    public mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    public mutating func null() { separate(); bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]); atStart = false }

    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: value ? [0x74, 0x72, 0x75, 0x65] : [0x66, 0x61, 0x6C, 0x73, 0x65])
        atStart = false
    }

    /// An array of strings.
    public mutating func strings(_ values: [String]) {
        beginArray()
        for v in values { string(v) }
        endArray()
    }

    /// A jansson value, serialized as jansson would.
    public mutating func json(_ value: JSON) {
        separate()
        JSONCompactWriter.write(value.raw, into: &bytes)
        atStart = false
    }

    @inline(__always)
    private mutating func separate() {
        if !atStart { bytes.append(UInt8(ascii: ",")) }
    }
}
