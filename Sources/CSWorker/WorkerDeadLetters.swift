import CSCore
import CSRedis

/// Where the worker keeps what it gives up on: a dead-letter file (one write(2) per line, CSCore's
/// `DeadLetter`) or a stream (XADD, field `record`, one entry per line). Without either, rejections
/// are only reported on stderr, as a stage without `--dead-letter` does; they are counted either way.
final class WorkerDeadLetters {
    private let file: DeadLetter?
    private let stream: RedisConnection?
    private let streamKey: String
    let display: String

    init(_ spec: String?, password: String?) throws(StageError) {
        display = spec ?? ""
        if let spec, RedisURL.isRedis(spec) {
            let url = try RedisURL(parsing: spec)
            stream = RedisConnection(RedisConfig(url: url, password: password))
            streamKey = url.key
            file = nil
        } else {
            file = try spec.map { path throws(StageError) in try DeadLetter(path: path) }
            stream = nil
            streamKey = ""
        }
    }

    var isKept: Bool { file != nil || stream != nil }

    /// Keeps each line; false when one could not be kept (the caller does not acknowledge then).
    func keep(_ lines: [[UInt8]], onRetry: (RedisError, Double) -> Void) -> Bool {
        guard !lines.isEmpty else { return true }
        if let file {
            return lines.allSatisfy { line in line.withUnsafeBufferPointer { file.keep($0) } }
        }
        if let stream {
            let commands = lines.map { [Array("XADD".utf8), Array(streamKey.utf8), Array("*".utf8), Array("record".utf8), $0] }
            do throws(RedisError) {
                let replies = try stream.retrying(onRetry: onRetry) { () throws(RedisError) in try stream.pipeline(commands) }
                return replies.allSatisfy { $0.errorText == nil }
            } catch {
                return false
            }
        }
        return true
    }

    /// A `cs/1` dead-letter entry for a stream entry the worker gave up on.
    static func entry(input: String, entryID: String, code: StatusCode, reason: String, record: [UInt8]?,
                      diagnostics: String?) -> [UInt8] {
        let w = JSONBytesWriter(capacity: 512)
        w.beginObject()
        w.key("dead_letter"); w.string(DeadLetter.format)
        w.key("stage"); w.string("cs worker")
        w.key("time"); w.string(RFC3339.now())
        w.key("input"); w.string(input)
        w.key("entry"); w.string(entryID)
        w.key("code"); w.string(code.rawValue)
        w.key("reason"); w.string(reason)
        if let diagnostics { w.key("diagnostics"); w.string(diagnostics) }
        if let record {
            // A record that is a JSON object goes in as it is; anything else as a string.
            if (try? record.withUnsafeBytes { bytes throws(JSONParseError) in try JSON.parse(bytes) })?.kind == .object {
                w.endObject()
                var bytes = w.bytes
                bytes.removeLast()
                bytes += Array(",\"record\":".utf8) + record + [UInt8(ascii: "}")]
                return bytes
            }
            w.key("record_text"); w.string(String(decoding: record, as: UTF8.self))
        }
        w.endObject()
        return w.bytes
    }
}
