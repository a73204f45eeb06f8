#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore
import CSPosix
import CSRedis
import CSRun

/// `cs worker`: one stage bound to Redis Streams, at least once.
///
/// Each turn takes a batch (first this consumer's own pending entries, left by an earlier run under
/// the same name; then entries idle too long with another consumer, XAUTOCLAIM; then new ones,
/// XREADGROUP), runs the stage over it, and commits: output records XADDed to the output stream and
/// the batch XACKed in one MULTI/EXEC (or, without `--to`, written to stdout, then XACKed). A batch
/// whose stage failed is not acknowledged: it is taken again after `--claim-idle`; entries delivered
/// three times run alone (so one bad record does not hold back its batch), and one delivered more
/// than `--max-deliveries` times is dead-lettered with the stage's last diagnostics.
/// Redis, the worker and the stage work at once: the next batch and the last commit are sent ahead
/// (WorkerAhead.swift).
public final class Worker {
    let options: WorkerOptions
    let diagnostics: Diagnostics
    let redis: RedisConnection
    /// The output stream's server when it is not the input's (then output and XACK are two steps).
    let outputRedis: RedisConnection?
    let deadLetters: WorkerDeadLetters
    let stage: StageBatch
    let keys: (deadLettered: String, diagnostics: String)

    /// Commands sent to `redis` whose replies are read later (WorkerAhead.swift), oldest first.
    var ahead: [Ahead] = []

    /// Set when a connection was lost: entries Redis handed out while the answer was on its way are
    /// pending with this consumer although it never saw them, so its own pending entries are read again.
    var reconnected = false

    public internal(set) var counts = (batches: 0, entries: 0, recordsOut: 0, deadLettered: 0, claimed: 0, failedBatches: 0)

    public init(options: WorkerOptions, diagnostics: Diagnostics, temporaryDirectory: String) throws(StageError) {
        self.options = options
        self.diagnostics = diagnostics
        redis = RedisConnection(RedisConfig(url: options.from, password: options.password))
        if let to = options.to, !Worker.sameServer(to, options.from) {
            outputRedis = RedisConnection(RedisConfig(url: to, password: options.password))
        } else {
            outputRedis = nil
        }
        deadLetters = try WorkerDeadLetters(options.deadLetter, password: options.password)
        stage = StageBatch(path: options.stagePath, arguments: options.stageArguments,
                           deadLetterPath: temporaryDirectory + "/stage-dead-letter.ndjson")
        keys = (WorkerOptions.deadLetteredKey(stream: options.from.key, group: options.group),
                WorkerOptions.diagnosticsKey(stream: options.from.key, group: options.group))
    }

    static func sameServer(_ a: RedisURL, _ b: RedisURL) -> Bool {
        a.host == b.host && a.port == b.port && a.database == b.database && a.user == b.user
    }

    /// Runs until SIGINT/SIGTERM (the batch in hand, and one read ahead, are finished first); the exit status.
    public func run() -> Int32 {
        do throws(WorkerStop) {
            try ensureGroup()
            var history: String? = "0"        // own pending entries first
            var claimCursor = "0-0"
            var lastClaim = -Double.infinity
            let claimEvery = max(0.1, min(1.0, options.claimIdle / 4))
            // A batch read ahead is finished even after a stop signal: its entries are already this
            // consumer's, and left pending they would wait --claim-idle for another worker.
            while true {
                alignAhead()
                guard cs_stop_signal() == 0 || readAheadOutstanding else { break }
                if reconnected {
                    reconnected = false
                    history = "0"
                }
                let entries: [StreamEntry]
                var deliveries: [String: Int] = [:]
                if readAheadOutstanding {
                    entries = try takeReadAhead()
                    guard !entries.isEmpty else { continue }
                } else if let after = history {
                    entries = try read(from: after, block: nil)
                    guard let last = entries.last else { history = nil; continue }
                    history = last.id
                    deliveries = try deliveryCounts(entries)
                } else if claimCursor != "0-0" || CSRun.Clock.monotonicSeconds() - lastClaim >= claimEvery {
                    lastClaim = CSRun.Clock.monotonicSeconds()
                    let claimed: [StreamEntry]
                    (claimCursor, claimed) = try autoclaim(cursor: claimCursor)
                    guard !claimed.isEmpty else { continue }
                    counts.claimed += claimed.count
                    entries = claimed
                    deliveries = try deliveryCounts(entries)
                } else {
                    entries = try read(from: ">", block: options.block)
                    guard !entries.isEmpty else { continue }
                }
                if history == nil && entries.count == options.batch && cs_stop_signal() == 0 { readAhead() }
                try process(entries, deliveries: deliveries)
            }
            try settleCommits()
        } catch {
            switch error {
            case .stopped: break
            case .fatal(let e):
                diagnostics.error(e.code, e.message)
                report()
                return ExitStatus.failure.rawValue
            }
        }
        report()
        return 0
    }

    enum WorkerStop: Error { case stopped, fatal(StageError) }

    private func report() {
        guard options.stats else { return }
        let c = counts
        diagnostics.info("consumer \(options.consumer): \(c.batches) batch\(c.batches == 1 ? "" : "es"), \(c.entries) entries, \(c.recordsOut) records out, \(c.deadLettered) dead-lettered, \(c.claimed) claimed, \(c.failedBatches) failed batch\(c.failedBatches == 1 ? "" : "es")")
    }

    // MARK: Redis, with reconnects

    /// A Redis call, retried with backoff while the connection is lost; SIGTERM during the wait stops the worker.
    func call<T>(_ connection: RedisConnection? = nil, _ body: (RedisConnection) throws(RedisError) -> T) throws(WorkerStop) -> T {
        let c = connection ?? redis
        do throws(RedisError) {
            return try c.retrying(onRetry: { error, delay in
                self.reconnected = true
                self.diagnostics.warning(error.code, "\(error.message); again in \(Int((delay * 1000).rounded())) ms")
            }) { () throws(RedisError) in try body(c) }
        } catch {
            if error.kind == .connection { throw .stopped }   // only a stop signal ends the retries
            throw .fatal(error.stageError)
        }
    }

    func ensureGroup() throws(WorkerStop) {
        let reply = try call { r throws(RedisError) in
            try r.command(["XGROUP", "CREATE", self.options.from.key, self.options.group, "0", "MKSTREAM"])
        }
        if let e = reply.errorText, !e.hasPrefix("BUSYGROUP") {
            throw .fatal(StageError(.failedPrecondition, "\(options.from.display): cannot create group \(options.group): \(e)"))
        }
    }

    /// XREADGROUP from `after` (">" for new entries, an id for this consumer's pending history).
    func read(from after: String, block: Double?) throws(WorkerStop) -> [StreamEntry] {
        let words = readCommand(from: after, block: block)
        let reply = try call { r throws(RedisError) in try r.command(words) }
        return try entries(read: reply)
    }

    /// The words of XREADGROUP from `after` (">" for new entries, an id for this consumer's history).
    func readCommand(from after: String, block: Double?) -> [String] {
        var words = ["XREADGROUP", "GROUP", options.group, options.consumer, "COUNT", String(options.batch)]
        if let block { words += ["BLOCK", String(Int(block * 1000))] }
        return words + ["STREAMS", options.from.key, after]
    }

    /// The entries of an XREADGROUP reply; a missing group (the stream deleted, or a server restarted
    /// without its data) is created again.
    func entries(read reply: RedisReply) throws(WorkerStop) -> [StreamEntry] {
        if let e = reply.errorText {
            if e.hasPrefix("NOGROUP") {
                // The stream or group went away (deleted, or a server restarted without its data).
                diagnostics.warning(.notFound, "\(options.from.display): \(e); creating group \(options.group) again")
                try ensureGroup()
                return []
            }
            throw .fatal(StageError(.failedPrecondition, "\(options.from.display): XREADGROUP: \(e)"))
        }
        return reply.items.first.map { StreamEntry.list($0.items.count > 1 ? $0.items[1] : .null) } ?? []
    }

    func autoclaim(cursor: String) throws(WorkerStop) -> (String, [StreamEntry]) {
        let words = ["XAUTOCLAIM", options.from.key, options.group, options.consumer, String(Int(options.claimIdle * 1000)),
                     cursor, "COUNT", String(options.batch)]
        let reply = try call { r throws(RedisError) in try r.command(words) }
        if let e = reply.errorText {
            if e.hasPrefix("NOGROUP") { try ensureGroup(); return ("0-0", []) }
            throw .fatal(StageError(.failedPrecondition, "\(options.from.display): XAUTOCLAIM: \(e)"))
        }
        let parts = reply.items
        guard parts.count >= 2 else { return ("0-0", []) }
        return (parts[0].text ?? "0-0", StreamEntry.list(parts[1]))
    }

    /// How often each entry has been delivered (XPENDING over the batch's id range, this consumer).
    func deliveryCounts(_ entries: [StreamEntry]) throws(WorkerStop) -> [String: Int] {
        guard let first = entries.first, let last = entries.last else { return [:] }
        let words = ["XPENDING", options.from.key, options.group, first.id, last.id, String(entries.count * 2 + 10), options.consumer]
        let reply = try call { r throws(RedisError) in try r.command(words) }
        var counts: [String: Int] = [:]
        for item in reply.items {
            let fields = item.items
            if fields.count >= 4, let id = fields[0].text, let n = fields[3].int { counts[id] = n }
        }
        return counts
    }
}
