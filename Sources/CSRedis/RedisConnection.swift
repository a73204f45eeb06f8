#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CHiredis
import CSCore

/// Where and how to connect; the password came from the environment and is never shown.
public struct RedisConfig: Sendable {
    public var url: RedisURL
    public var password: String?
    public var connectTimeout: Double = 5
    /// Per command; a blocking command (XREADGROUP BLOCK) must block for less than this.
    public var commandTimeout: Double = 30

    public init(url: RedisURL, password: String? = nil) { self.url = url; self.password = password }
}

/// One connection to Redis over hiredis (the only place that calls it). Commands are argv arrays of
/// bytes (binary safe: a record goes as it is). A failed connection is closed at once, so the next
/// command connects again (AUTH and SELECT included); `retrying` adds the backoff between attempts.
public final class RedisConnection {
    public let config: RedisConfig
    /// Owned: freed by `close()` (and deinit); nil while not connected.
    private var context: UnsafeMutablePointer<redisContext>?

    public init(_ config: RedisConfig) { self.config = config }
    deinit { close() }

    public var isConnected: Bool { context != nil }

    public func close() {
        if let c = context { redisFree(c) }
        context = nil
        aheadSent = 0
        aheadReplies = []
    }

    /// Commands sent with `sendAhead` whose replies are not read yet, and replies read early (when
    /// another command came after them): replies arrive in order, so they are kept for `receiveAhead`.
    private var aheadSent = 0
    private var aheadReplies: [RedisReply] = []

    /// Replies owed to `receiveAhead`, read or not; 0 after the connection was lost (they are gone).
    public var repliesAhead: Int { aheadSent + aheadReplies.count }

    /// Sends commands now and reads their replies later (`receiveAhead`, one per command), so that the
    /// server works on them while this process does something else (the worker: the next batch and
    /// the last batch's commit while the stage runs).
    public func sendAhead(_ commands: [[[UInt8]]]) throws(RedisError) {
        try connect()
        guard let c = context else { throw RedisError(.connection, "\(config.url.display): not connected") }
        for words in commands { try append(words, to: c) }
        var done: Int32 = 0
        while done == 0 {
            if redisBufferWrite(c, &done) != cs_redis_ok() { throw lost(c) }
        }
        aheadSent += commands.count
    }

    /// The reply to the oldest `sendAhead` command.
    public func receiveAhead() throws(RedisError) -> RedisReply {
        if !aheadReplies.isEmpty { return aheadReplies.removeFirst() }
        guard aheadSent > 0, let c = context else {
            throw RedisError(.connection, "\(config.url.display): connection lost before a reply was read")
        }
        let reply = try readReply(c)
        aheadSent -= 1
        return reply
    }

    /// Connects (when not connected), authenticates and selects the database.
    public func connect() throws(RedisError) {
        guard context == nil else { return }
        let url = config.url
        guard let c = redisConnectWithTimeout(url.host, Int32(url.port), RedisConnection.timeval(config.connectTimeout)) else {
            throw RedisError(.connection, "\(url.display): cannot allocate a connection")
        }
        if c.pointee.err != 0 {
            let why = RedisConnection.errorText(c)
            redisFree(c)
            throw RedisError(.connection, "\(url.display): cannot connect: \(why)")
        }
        redisSetTimeout(c, RedisConnection.timeval(config.commandTimeout))
        context = c
        if let password = config.password {
            let args = (url.user.map { ["AUTH", $0] } ?? ["AUTH"]) + [password]
            let reply = try send([args.map { Array($0.utf8) }])[0]
            if let e = reply.errorText {
                close()
                // The server's answer (WRONGPASS…) never holds the password.
                throw RedisError(.authentication, "\(url.display): authentication failed\(url.user.map { " for user \($0)" } ?? ""): \(e)")
            }
        } else if url.user != nil {
            close()
            throw RedisError(.usage, "\(url.display): a user name needs a password: name its environment variable with --password-env")
        }
        if url.database != 0 {
            let reply = try send([["SELECT", String(url.database)].map { Array($0.utf8) }])[0]
            if let e = reply.errorText {
                close()
                throw RedisError(e.hasPrefix("NOAUTH") ? .authentication : .usage, "\(url.display): cannot select database \(url.database): \(e)")
            }
        }
    }

    /// One command; an error reply is returned as `.error` (NOAUTH and LOADING are thrown).
    @discardableResult
    public func command(_ words: [String]) throws(RedisError) -> RedisReply {
        try pipeline([words.map { Array($0.utf8) }])[0]
    }

    @discardableResult
    public func command(bytes words: [[UInt8]]) throws(RedisError) -> RedisReply {
        try pipeline([words])[0]
    }

    /// Sends every command, then reads one reply per command (one round trip for the lot).
    public func pipeline(_ commands: [[[UInt8]]]) throws(RedisError) -> [RedisReply] {
        try connect()
        let replies = try send(commands)
        for reply in replies {
            guard let e = reply.errorText else { continue }
            if e.hasPrefix("NOAUTH") || e.hasPrefix("WRONGPASS") {
                throw RedisError(.authentication, "\(config.url.display): \(e) (give the password's environment variable with --password-env)")
            }
            if e.hasPrefix("LOADING") {
                // A restarted server reading its data back: the same as not reachable yet.
                close()
                throw RedisError(.connection, "\(config.url.display): \(e)")
            }
        }
        return replies
    }

    private func send(_ commands: [[[UInt8]]]) throws(RedisError) -> [RedisReply] {
        guard let c = context else { throw RedisError(.connection, "\(config.url.display): not connected") }
        for words in commands { try append(words, to: c) }
        // Replies to commands sent ahead come first: kept for receiveAhead.
        while aheadSent > 0 {
            aheadReplies.append(try readReply(c))
            aheadSent -= 1
        }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands { replies.append(try readReply(c)) }
        return replies
    }

    /// Adds one command to hiredis's output buffer (written on the next read or flush).
    private func append(_ words: [[UInt8]], to c: UnsafeMutablePointer<redisContext>) throws(RedisError) {
        // All arguments in one buffer; argv points into it for the length of the call.
        var flat: [UInt8] = []
        flat.reserveCapacity(words.reduce(0) { $0 + $1.count })
        var offsets: [Int] = []
        var lengths: [Int] = []
        for w in words { offsets.append(flat.count); lengths.append(w.count); flat += w }
        let rc = flat.withUnsafeBufferPointer { buffer -> Int32 in
            let base = UnsafeRawPointer(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!)
            var argv: [UnsafePointer<CChar>?] = offsets.map { (base + $0).assumingMemoryBound(to: CChar.self) }
            return redisAppendCommandArgv(c, Int32(words.count), &argv, lengths)
        }
        if rc != cs_redis_ok() { throw lost(c) }
    }

    private func readReply(_ c: UnsafeMutablePointer<redisContext>) throws(RedisError) -> RedisReply {
        var raw: UnsafeMutableRawPointer?
        guard redisGetReply(c, &raw) == cs_redis_ok(), let raw else { throw lost(c) }
        return RedisReply(taking: raw)   // frees hiredis's tree
    }

    /// The connection is unusable: closed, and the reason returned.
    private func lost(_ c: UnsafeMutablePointer<redisContext>) -> RedisError {
        let why = RedisConnection.errorText(c)
        close()
        return RedisError(.connection, "\(config.url.display): connection lost: \(why)")
    }

    static func errorText(_ c: UnsafeMutablePointer<redisContext>) -> String {
        let text = withUnsafeBytes(of: c.pointee.errstr) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        if text.isEmpty || text == "Resource temporarily unavailable" { return text.isEmpty ? "error \(c.pointee.err)" : "timed out" }
        return text
    }

    static func timeval(_ seconds: Double) -> Glibc.timeval {
        Glibc.timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
    }
}
