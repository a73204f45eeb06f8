#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore
import CSRedis

/// `--state redis://HOST[:PORT][/DB]/PREFIX`: the state in Redis, so that fetchers on several machines
/// (or `cs worker -- cs-fetch …` processes) share one. Keys, per feed URL:
///
///     PREFIX:feed:URL    hash   etag, last_modified, final_url, checked_at
///     PREFIX:items:URL   hash   uid -> SHA-256 of the record without source.fetched_at
///     PREFIX:claim:URL   string the fetcher deciding which of the feed's items are new (PX claimTTL)
///
/// A fetcher takes the feed's claim (`SET NX PX`) when the document has arrived, before it reads the
/// seen items; it records the validators and items and gives the claim back in one MULTI/EXEC after its
/// records are out. A second fetcher with the same document waits for the claim, then finds the items
/// seen: live fetchers emit each new item once. A fetcher that dies holding a claim holds it until the
/// TTL runs out; one that dies after its records were out and before EXEC makes them come out again
/// (at least once, as with the SQLite state).
public final class RedisFetchState: FetchState {
    let connection: RedisConnection
    let prefix: String
    let diagnostics: Diagnostics
    /// How long a claim lasts: it must outlast parsing one feed and writing its records.
    let claimTTL: Int
    /// This process's claim value: host, pid and a random part (the claim says who holds it).
    let token: String
    private var held: Set<String> = []

    public static let defaultClaimTTLMilliseconds = 60_000

    /// Deletes the claim only when it is still this fetcher's (it may have expired and been taken).
    static let releaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"

    public init(url: RedisURL, password: String?, diagnostics: Diagnostics,
                claimTTLMilliseconds: Int = RedisFetchState.defaultClaimTTLMilliseconds) throws(StageError) {
        var config = RedisConfig(url: url, password: password)
        config.connectTimeout = 5
        config.commandTimeout = 30
        connection = RedisConnection(config)
        prefix = url.key
        self.diagnostics = diagnostics
        claimTTL = claimTTLMilliseconds
        token = "\(RedisFetchState.hostName())-\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
        // Connected now, once: a server that is down or refuses the password stops the run before any fetch.
        let reply = try call(attempts: 1) { c throws(RedisError) in try c.command(["PING"]) }
        if let e = reply.errorText { throw StageError(.failedPrecondition, "--state \(url.display): PING: \(e)") }
    }

    func key(_ kind: String, _ url: String) -> [UInt8] { Array("\(prefix):\(kind):\(url)".utf8) }

    public func validators(feeds urls: [String]) throws(StageError) -> [FetchValidators?] {
        guard !urls.isEmpty else { return [] }
        let commands = urls.map { [Array("HMGET".utf8), key("feed", $0), Array("etag".utf8), Array("last_modified".utf8)] }
        let replies = try call { c throws(RedisError) in try c.pipeline(commands) }
        return try replies.map { reply throws(StageError) -> FetchValidators? in
            if let e = reply.errorText { throw StageError(.failedPrecondition, "--state \(display): HMGET: \(e)") }
            let fields = reply.items
            guard fields.count == 2 else { return nil }
            let etag = fields[0].text, lastModified = fields[1].text
            return etag == nil && lastModified == nil ? nil : FetchValidators(etag: etag, lastModified: lastModified)
        }
    }

    public func begin(feed url: String) throws(StageError) -> SeenItems {
        try claim(url)
        // Read at the first lookup, under the claim (--raw and --save-to look up no item), in one HGETALL.
        var seen: [String: String]?
        return SeenItems { [unowned self] (uid: String) throws(StageError) -> String? in
            if seen == nil { seen = try self.seenItems(url) }
            return seen?[uid]
        }
    }

    func seenItems(_ url: String) throws(StageError) -> [String: String] {
        let reply = try call { c throws(RedisError) in try c.command(bytes: [Array("HGETALL".utf8), key("items", url)]) }
        if let e = reply.errorText { throw StageError(.failedPrecondition, "--state \(display): HGETALL: \(e)") }
        var seen: [String: String] = [:]
        for (uid, hash) in reply.pairs { seen[uid] = hash.text }
        return seen
    }

    /// Takes the feed's claim, waiting (with a growing pause, up to 50 ms) while another fetcher holds it.
    func claim(_ url: String) throws(StageError) {
        let b: (String) -> [UInt8] = { Array($0.utf8) }
        let claimKey = key("claim", url)
        // GET beside SET: after a lost connection, a SET that landed unanswered is recognised as ours.
        let commands = [[b("SET"), claimKey, b(token), b("NX"), b("PX"), b(String(claimTTL))], [b("GET"), claimKey]]
        var backoff = RedisBackoff(base: 0.002, maximum: 0.05)
        var waiting = false
        while true {
            let replies = try call { c throws(RedisError) in try c.pipeline(commands) }
            if let e = replies.compactMap(\.errorText).first { throw StageError(.failedPrecondition, "--state \(display): SET: \(e)") }
            if replies[0] != .null || replies[1].text == token { break }
            if !waiting {
                waiting = true
                diagnostics.info("another fetcher is recording this feed (\(replies[1].text ?? "?")); waiting for it", at: Position(input: url))
            }
            guard RedisBackoff.sleepUnlessStopped(backoff.next()) else {
                throw StageError(.cancelled, "stopped while waiting for another fetcher to record \(url)")
            }
        }
        held.insert(url)
    }

    public func record(feed url: String, finalURL: String, validators: FetchValidators, items: [(uid: String, hash: String)],
                       at time: String) throws(StageError) {
        let b: (String) -> [UInt8] = { Array($0.utf8) }
        let feedKey = key("feed", url)
        var fields = [b("HSET"), feedKey, b("final_url"), b(finalURL), b("checked_at"), b(time)]
        if let etag = validators.etag { fields += [b("etag"), b(etag)] }
        if let lastModified = validators.lastModified { fields += [b("last_modified"), b(lastModified)] }
        var commands: [[[UInt8]]] = [[b("MULTI")], [b("DEL"), feedKey], fields]
        if !items.isEmpty {
            var words = [b("HSET"), key("items", url)]
            words.reserveCapacity(2 + items.count * 2)
            for item in items { words.append(b(item.uid)); words.append(b(item.hash)) }
            commands.append(words)
        }
        if held.contains(url) { commands.append([b("EVAL"), b(RedisFetchState.releaseScript), b("1"), key("claim", url), b(token)]) }
        commands.append([b("EXEC")])
        let replies = try call { c throws(RedisError) in try c.pipeline(commands) }
        held.remove(url)
        if let e = replies.compactMap(\.errorText).first ?? replies.last?.items.compactMap(\.errorText).first {
            throw StageError(.failedPrecondition, "--state \(display): recording \(url): \(e)")
        }
        if replies.last == .null { throw StageError(.failedPrecondition, "--state \(display): recording \(url): the transaction was aborted") }
    }

    /// Best effort: a claim not given back expires after the TTL.
    public func release(feed url: String) {
        guard held.remove(url) != nil else { return }
        let words = [Array("EVAL".utf8), Array(RedisFetchState.releaseScript.utf8), Array("1".utf8), key("claim", url), Array(token.utf8)]
        _ = try? call { c throws(RedisError) in try c.command(bytes: words) }
    }

    var display: String { connection.config.url.display }

    /// A Redis call; a lost connection is tried again twice after a short backoff. Errors say `--state`.
    func call<T>(attempts: Int = 3, _ body: (RedisConnection) throws(RedisError) -> T) throws(StageError) -> T {
        do throws(RedisError) {
            return try connection.retrying(attempts: attempts, onRetry: { error, delay in
                self.diagnostics.warning(error.code, "--state \(error.message); again in \(Int((delay * 1000).rounded())) ms")
            }) { () throws(RedisError) in try body(self.connection) }
        } catch {
            throw StageError(error.code, "--state \(error.message)")
        }
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "host" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
