import CJansson

/// A JSON value backed by jansson. Each instance holds exactly one jansson reference and drops it
/// in `deinit`: this is the one place in cs where jansson ownership is handled.
public final class JSON {
    public let raw: UnsafeMutablePointer<json_t>

    /// Takes over a new reference (the result of a `json_*` constructor or `json_loads*`).
    public init(owning raw: UnsafeMutablePointer<json_t>) { self.raw = raw }
    /// Shares a borrowed reference (from `json_object_get`, `json_array_get`): adds one of its own.
    public init(borrowing raw: UnsafeMutablePointer<json_t>) {
        self.raw = raw
        json_incref(raw)
    }
    deinit { json_decref(raw) }

    // MARK: constructors

    public static func object() -> JSON { JSON(owning: json_object()) }
    public static func array() -> JSON { JSON(owning: json_array()) }
    public static var null: JSON { JSON(owning: json_null()) }
    public static func bool(_ v: Bool) -> JSON { JSON(owning: cs_json_bool(v ? 1 : 0)) }
    public static func int(_ v: Int) -> JSON { JSON(owning: json_integer(json_int_t(v))) }
    public static func double(_ v: Double) -> JSON { JSON(owning: json_real(v)) }
    public static func string(_ s: String) -> JSON {
        var s = s
        // Swift strings are valid UTF-8 already, so jansson's check can be skipped.
        return s.withUTF8 { buf in
            JSON(owning: json_stringn_nocheck(UnsafeRawPointer(buf.baseAddress ?? UnsafePointer(bitPattern: 1)!)
                .assumingMemoryBound(to: CChar.self), buf.count))
        }
    }
    public static func strings(_ values: [String]) -> JSON {
        let a = JSON.array()
        for v in values { a.append(.string(v)) }
        return a
    }

    // MARK: parsing and serialization

    /// Parses one JSON text. The error carries jansson's message, the 1-based column and line.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSON {
        var error = json_error_t()
        let flags = JSON_ALLOW_NUL | JSON_DECODE_ANY
        guard let base = bytes.baseAddress,
              let v = json_loadb(base.assumingMemoryBound(to: CChar.self), bytes.count, Int(flags), &error)
        else {
            let message = withUnsafeBytes(of: &error.text) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            throw JSONParseError(message: bytes.isEmpty ? "empty line" : message, column: Int(error.column), line: Int(error.line))
        }
        return JSON(owning: v)
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSON {
        var text = text
        let result: Result<JSON, JSONParseError> = text.withUTF8 { buf in
            Result { () throws(JSONParseError) -> JSON in try JSON.parse(UnsafeRawBufferPointer(buf)) }
        }
        return try result.get()
    }

    /// Compact UTF-8 serialization, keys in insertion order.
    /// `realPrecision`: significant digits for reals (jansson's JSON_REAL_PRECISION); by default jansson writes
    /// 17, so 9.8 comes out as 9.8000000000000007. 15 round-trips the one-decimal scores people read.
    public func serialized(realPrecision: Int? = nil) -> [UInt8] {
        let flags = Int(JSON_COMPACT) | ((realPrecision ?? 0) & 0x1F) << 11
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        withUnsafeMutablePointer(to: &out) { ptr in
            _ = json_dump_callback(raw, { buffer, size, context in
                guard let buffer, let context else { return -1 }
                let out = context.assumingMemoryBound(to: [UInt8].self)
                out.pointee.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: size))
                return 0
            }, ptr, flags)
        }
        return out
    }

    public var text: String { String(decoding: serialized(), as: UTF8.self) }

    // MARK: inspection

    public enum Kind: Equatable { case object, array, string, integer, real, bool, null }

    public var kind: Kind {
        switch json_type(rawValue: UInt32(cs_json_typeof(raw))) {
        case JSON_OBJECT: return .object
        case JSON_ARRAY: return .array
        case JSON_STRING: return .string
        case JSON_INTEGER: return .integer
        case JSON_REAL: return .real
        case JSON_TRUE, JSON_FALSE: return .bool
        default: return .null
        }
    }

    public var stringValue: String? {
        guard kind == .string, let p = json_string_value(raw) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: p, count: json_string_length(raw)), as: UTF8.self)
    }
    public var intValue: Int? { kind == .integer ? Int(json_integer_value(raw)) : nil }
    public var doubleValue: Double? { kind == .integer || kind == .real ? json_number_value(raw) : nil }
    public var boolValue: Bool? {
        switch cs_json_typeof(raw) {
        case Int32(JSON_TRUE.rawValue): return true
        case Int32(JSON_FALSE.rawValue): return false
        default: return nil
        }
    }

    // MARK: objects

    public subscript(key: String) -> JSON? {
        get { json_object_get(raw, key).map { JSON(borrowing: $0) } }
        set {
            if let newValue { json_object_set(raw, key, newValue.raw) } else { json_object_del(raw, key) }
        }
    }

    public func set(_ key: String, _ value: JSON) { json_object_set(raw, key, value.raw) }
    public func set(_ key: String, string value: String?) {
        if let value { set(key, .string(value)) } else { set(key, .null) }
    }
    public func remove(_ key: String) { json_object_del(raw, key) }

    /// Members in insertion order.
    public var members: [(key: String, value: JSON)] {
        var result: [(String, JSON)] = []
        var it = json_object_iter(raw)
        while let i = it {
            let key = String(cString: json_object_iter_key(i))
            result.append((key, JSON(borrowing: json_object_iter_value(i))))
            it = json_object_iter_next(raw, i)
        }
        return result
    }
    public var keys: [String] { members.map(\.key) }
    public var count: Int { kind == .array ? json_array_size(raw) : json_object_size(raw) }

    // MARK: arrays

    public func append(_ value: JSON) { json_array_append(raw, value.raw) }
    public subscript(index: Int) -> JSON? { json_array_get(raw, index).map { JSON(borrowing: $0) } }
    public var elements: [JSON] {
        guard kind == .array else { return [] }
        return (0..<json_array_size(raw)).compactMap { json_array_get(raw, $0).map { JSON(borrowing: $0) } }
    }
    /// The strings of an array value (other elements skipped), or the one string of a string value.
    public var stringElements: [String] {
        if let s = stringValue { return [s] }
        return elements.compactMap(\.stringValue)
    }

    /// A deep copy that shares nothing with this value.
    public func deepCopy() -> JSON { JSON(owning: json_deep_copy(raw)) }
}

public struct JSONParseError: Error, CustomStringConvertible {
    public let message: String
    public let column: Int
    /// The 1-based line, for documents of several lines (a catalog file); 0 when unknown.
    public var line = 0
    public var description: String { column > 0 ? "\(message) at column \(column)" : message }
}
