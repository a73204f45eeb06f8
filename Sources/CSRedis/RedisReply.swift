import CHiredis

/// A Redis reply as a Swift value (RESP2: hiredis 0.14 speaks nothing newer). Built from hiredis's
/// reply tree, which is freed at once: no C pointer outlives `RedisReply(taking:)`.
public enum RedisReply: Equatable, Sendable {
    case string([UInt8])
    case status(String)
    case integer(Int)
    case null
    case error(String)
    case array([RedisReply])

    /// Converts the tree and frees it (the caller owned it, from redisGetReply / redisCommandArgv).
    init(taking reply: UnsafeMutableRawPointer) {
        self = RedisReply(reading: reply.assumingMemoryBound(to: redisReply.self))
        freeReplyObject(reply)
    }

    /// Copies a (borrowed) reply tree.
    private init(reading r: UnsafeMutablePointer<redisReply>) {
        let type = r.pointee.type
        func bytes() -> [UInt8] {
            guard let str = r.pointee.str else { return [] }
            return Array(UnsafeRawBufferPointer(start: str, count: r.pointee.len))
        }
        switch type {
        case cs_redis_reply_string(): self = .string(bytes())
        case cs_redis_reply_status(): self = .status(String(decoding: bytes(), as: UTF8.self))
        case cs_redis_reply_error(): self = .error(String(decoding: bytes(), as: UTF8.self))
        case cs_redis_reply_integer(): self = .integer(Int(r.pointee.integer))
        case cs_redis_reply_array():
            var items: [RedisReply] = []
            items.reserveCapacity(r.pointee.elements)
            for i in 0..<r.pointee.elements {
                if let e = r.pointee.element[i] { items.append(RedisReply(reading: e)) } else { items.append(.null) }
            }
            self = .array(items)
        default: self = .null
        }
    }

    public var text: String? {
        switch self {
        case .string(let b): return String(decoding: b, as: UTF8.self)
        case .status(let s): return s
        case .integer(let n): return String(n)
        default: return nil
        }
    }

    public var int: Int? {
        switch self {
        case .integer(let n): return n
        case .string, .status: return text.flatMap { Int($0) }
        default: return nil
        }
    }

    public var items: [RedisReply] {
        if case .array(let a) = self { return a }
        return []
    }

    public var errorText: String? {
        if case .error(let e) = self { return e }
        return nil
    }

    /// A flat [name, value, name, value…] array (XINFO, HGETALL, stream entry fields) as pairs.
    public var pairs: [(String, RedisReply)] {
        let a = items
        return stride(from: 0, to: a.count - 1, by: 2).map { (a[$0].text ?? "", a[$0 + 1]) }
    }
}
