import CSCore
import CSRedis

/// `redis://[user@]HOST[:PORT][/DB]/STREAM`: each record appended with XADD as the field `record`
/// (its NDJSON bytes, unchanged), a batch pipelined in one round trip; `--maxlen ~N` trims the stream.
///
/// An entry's id comes back for each XADD that landed. A connection lost mid-batch sends the whole
/// batch again on a new connection: XADDs that had landed are then there twice (at least once; `uid`
/// tells the copies apart).
final class RedisStreamEndpoint: DeliveryEndpoint {
    let connection: RedisConnection
    /// ["XADD", STREAM, (MAXLEN, ~, N)] before each entry's "*", "record", bytes.
    let prefix: [[UInt8]]

    init(target: NetworkTarget, url: RedisURL, options: DeliveryOptions) {
        var config = RedisConfig(url: url, password: options.redisPassword)
        config.connectTimeout = min(options.timeout, 10)
        config.commandTimeout = options.timeout
        connection = RedisConnection(config)
        var words = ["XADD", url.key]
        if let maxLen = options.redisMaxLen { words += ["MAXLEN", maxLen.approximate ? "~" : "=", String(maxLen.count)] }
        prefix = words.map { Array($0.utf8) }
    }

    /// A wrong password or a refused user stops the sink at once (status 3); a server not reachable
    /// yet does not: batches are retried like every destination's.
    func open() throws(StageError) {
        // PING: a server that wants a password and got none answers NOAUTH only to a command.
        do throws(RedisError) { try connection.command(["PING"]) } catch {
            if error.kind != .connection { throw error.stageError }
        }
    }

    func payload(_ line: UnsafeBufferPointer<UInt8>, _ scanner: RecordScanner) -> Result<[UInt8], EncodeError> {
        .success(Array(line))
    }

    func attempt(_ batch: [PendingRecord]) -> [RecordVerdict] {
        let star = Array("*".utf8), field = Array("record".utf8)
        let commands = batch.map { prefix + [star, field, $0.payload] }
        let replies: [RedisReply]
        do throws(RedisError) { replies = try connection.pipeline(commands) } catch {
            if error.kind == .connection {
                return Array(repeating: .retry(error.code, error.message, after: nil), count: batch.count)
            }
            return Array(repeating: .rejected(error.code, error.message), count: batch.count)
        }
        return replies.map { reply in
            guard let e = reply.errorText else { return .delivered }
            // Out of memory, a replica, a busy script: the server may take it later; anything else
            // (WRONGTYPE: the key is no stream) will not change by asking again.
            let transient = ["OOM", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN"].contains { e.hasPrefix($0) }
            return transient ? .retry(.unavailable, "XADD: \(e)", after: nil) : .rejected(.failedPrecondition, "XADD: \(e)")
        }
    }
}
