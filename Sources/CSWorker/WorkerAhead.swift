import CSCore
import CSRedis

/// Work handed to Redis ahead of time, so that Redis, the worker and the stage run at once instead of
/// in turn: the next batch is asked for before the stage runs over this one, and a batch's commit
/// (output and XACK in one MULTI/EXEC) is sent without waiting, its replies checked after the next
/// batch's stage ran. Redis answers in order, so the replies are taken in the order sent.
///
/// Nothing is acknowledged earlier than before: an entry is acknowledged by the EXEC of its own
/// batch's commit. A connection lost with work ahead loses only replies: a commit that did not run
/// leaves its entries pending, and the worker reads its own pending entries again after a reconnect.
extension Worker {
    enum Ahead {
        /// XREADGROUP of new entries: one reply.
        case read
        /// MULTI, `replies - 2` commands, EXEC, on the input's server.
        case commit(replies: Int)

        var replies: Int {
            switch self {
            case .read: return 1
            case .commit(let n): return n
            }
        }
    }

    /// Whether a batch asked for by `readAhead` is still to be taken (after `alignAhead`).
    var readAheadOutstanding: Bool {
        ahead.contains { if case .read = $0 { return true }; return false }
    }

    /// Forgets what the connection no longer owes (it was lost and opened again since): the oldest
    /// items, as a new connection owes only what was sent on it.
    func alignAhead() {
        var owed = ahead.reduce(0) { $0 + $1.replies }
        while owed > redis.repliesAhead, !ahead.isEmpty {
            owed -= ahead.removeFirst().replies
            reconnected = true
        }
    }

    /// Asks for the next batch of new entries before the stage runs over this one (taken by
    /// `takeReadAhead` at the next turn). A failure only means no batch ahead: the next turn reads
    /// as usual (and reconnects).
    func readAhead() {
        alignAhead()
        let words = readCommand(from: ">", block: nil).map { Array($0.utf8) }
        do throws(RedisError) {
            try redis.sendAhead([words])
            ahead.append(.read)
        } catch {
            reconnected = true
        }
    }

    /// The batch asked for by `readAhead` (commits sent before it are settled first). An error reply
    /// or a lost connection gives no entries: the next turn reads as usual and reports it.
    func takeReadAhead() throws(WorkerStop) -> [StreamEntry] {
        try settleCommits()
        guard case .read = ahead.first else { return [] }
        ahead.removeFirst()
        let reply: RedisReply
        do throws(RedisError) {
            reply = try redis.receiveAhead()
        } catch {
            lostAhead()
            return []
        }
        if reply.errorText != nil { return [] }
        return try entries(read: reply)
    }

    /// Sends a commit without waiting for it; `settleCommits` checks it later.
    func commitAhead(_ commands: [[[UInt8]]]) {
        alignAhead()
        let all = [[Array("MULTI".utf8)]] + commands + [[Array("EXEC".utf8)]]
        do throws(RedisError) {
            try redis.sendAhead(all)
            ahead.append(.commit(replies: all.count))
        } catch {
            // Not sent: the batch stays pending and is read again as this consumer's history.
            reconnected = true
            diagnostics.warning(error.code, "\(error.message); the batch stays pending and is taken again")
        }
    }

    /// Reads the replies of the commits at the front of `ahead`; a refused transaction ends the worker
    /// (as a refused commit always did), its entries pending.
    func settleCommits() throws(WorkerStop) {
        alignAhead()
        while case .commit(let n) = ahead.first {
            ahead.removeFirst()
            var replies: [RedisReply] = []
            do throws(RedisError) {
                for _ in 0..<n { replies.append(try redis.receiveAhead()) }
            } catch {
                lostAhead()
                diagnostics.warning(error.code, "\(error.message); a batch whose commit may not have run is taken again")
                return
            }
            try Worker.checkTransaction(replies, on: redis)
        }
    }

    /// The connection went with replies owed: nothing ahead any more; own pending entries read again.
    func lostAhead() {
        ahead = []
        reconnected = true
    }
}
