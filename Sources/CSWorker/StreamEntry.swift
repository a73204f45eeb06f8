#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore
import CSRedis

/// One stream entry as XREADGROUP / XAUTOCLAIM return it: `[id, [field, value, …]]` (fields nil
/// when the entry was deleted from the stream while it was pending).
public struct StreamEntry {
    public let id: String
    public let fields: [(String, [UInt8])]?

    init?(_ reply: RedisReply) {
        let parts = reply.items
        guard parts.count == 2, let id = parts[0].text else { return nil }
        self.id = id
        if case .array = parts[1] {
            fields = parts[1].pairs.map { ($0.0, { if case .string(let b) = $0 { return b }; return Array(($0.text ?? "").utf8) }($0.1)) }
        } else {
            fields = nil
        }
    }

    /// The entries of an `[[stream, [entry…]]]` reply (XREADGROUP), or of an entry list (XAUTOCLAIM).
    static func list(_ reply: RedisReply) -> [StreamEntry] { reply.items.compactMap(StreamEntry.init) }

    /// The record this entry carries, or why it carries none. A record must be one JSON object on one
    /// line: it becomes one line of the stage's stdin.
    func record() -> Result<[UInt8], StageError> {
        guard let fields else { return .failure(StageError(.notFound, "the entry was deleted from the stream")) }
        guard let value = fields.first(where: { $0.0 == "record" })?.1 else {
            let names = fields.map(\.0).prefix(5).joined(separator: ", ")
            return .failure(StageError(.invalidArgument, "no 'record' field (fields: \(names.isEmpty ? "none" : names))"))
        }
        let breaks = value.withUnsafeBufferPointer { b in
            b.baseAddress.map { memchr($0, 0x0A, b.count) != nil || memchr($0, 0x0D, b.count) != nil } ?? false
        }
        if breaks {
            return .failure(StageError(.invalidArgument, "the record holds a line break (a record is one NDJSON line)"))
        }
        // Only the shape is checked here: the stage parses every record anyway, and a full check of
        // every entry cost the worker about a quarter of its time. What the stage then rejects is
        // checked properly (`notJSON`), so such an entry is still dead-lettered with its id.
        let first = value.first(where: { $0 != 0x20 && $0 != 0x09 })
        let last = value.last(where: { $0 != 0x20 && $0 != 0x09 })
        guard first == UInt8(ascii: "{"), last == UInt8(ascii: "}") else {
            if let why = StreamEntry.notJSON(value) { return .failure(why) }
            return .failure(StageError(.invalidArgument, "the record is not a JSON object"))
        }
        return .success(value)
    }

    /// Why `record` is not JSON (RecordScanner's grammar, without building a tree), or nil when it is.
    static func notJSON(_ record: [UInt8]) -> StageError? {
        do {
            _ = try record.withUnsafeBufferPointer { bytes throws(RecordScanner.ScanError) in try JSONRef.validated(bytes) }
            return nil
        } catch {
            return StageError(.invalidArgument, "the record is not JSON: \(error)")
        }
    }
}
