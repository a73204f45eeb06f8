#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore
import CSRedis

extension Worker {
    /// Handles one batch: entries that are no record or were delivered too often are dead-lettered;
    /// the rest go through the stage (entries delivered three times or on their last chance alone);
    /// what succeeded is committed, what failed stays pending.
    func process(_ entries: [StreamEntry], deliveries: [String: Int]) throws(WorkerStop) {
        counts.batches += 1
        counts.entries += entries.count
        var settled: [String] = []          // acknowledged with the first commit, whatever the stage does
        var deadLines: [[UInt8]] = []
        var runs: [[(id: String, record: [UInt8])]] = [[]]
        let input = options.from.display
        let lastWords = try lastDiagnostics(entries.filter { (deliveries[$0.id] ?? 1) > options.maxDeliveries }.map(\.id))
        for entry in entries {
            let delivered = deliveries[entry.id] ?? 1
            if entry.fields == nil { settled.append(entry.id); continue }   // deleted while pending: nothing to run
            let raw = entry.fields?.first(where: { $0.0 == "record" })?.1
            if delivered > options.maxDeliveries {
                let reason = "delivered \(delivered) times (more than --max-deliveries \(options.maxDeliveries)); the stage did not finish it"
                deadLines.append(WorkerDeadLetters.entry(input: input, entryID: entry.id, code: .resourceExhausted, reason: reason,
                                                         record: raw, diagnostics: lastWords[entry.id]))
                diagnostics.error(.resourceExhausted, "\(input): entry \(entry.id): \(reason)")
                settled.append(entry.id)
                continue
            }
            switch entry.record() {
            case .failure(let why):
                deadLines.append(WorkerDeadLetters.entry(input: input, entryID: entry.id, code: why.code, reason: why.message,
                                                         record: raw, diagnostics: nil))
                diagnostics.error(why.code, "\(input): entry \(entry.id): \(why.message)")
                settled.append(entry.id)
            case .success(let record):
                if delivered >= 3 || (delivered > 1 && delivered == options.maxDeliveries) {
                    runs.append([(entry.id, record)])
                } else {
                    runs[0].append((entry.id, record))
                }
            }
        }
        var first = true
        for run in runs where !run.isEmpty || (first && (!settled.isEmpty || !deadLines.isEmpty)) {
            defer { first = false }
            var outcome = StageBatch.Outcome(status: 0, output: [], diagnostics: [], rejected: [])
            if !run.isEmpty {
                do throws(StageError) { outcome = try stage.run(run.map(\.record)) } catch { throw .fatal(error) }
            }
            switch outcome.status {
            case 0, 1, 2:
                // 2: the stage rejected some records; its dead-letter lines are kept (below) and the
                // batch is done (the same records would be rejected again).
                if !outcome.diagnostics.isEmpty { writeStandardError(String(decoding: outcome.diagnostics, as: UTF8.self)) }
                var rejected = outcome.rejected
                let notJSON = outcome.status == 0 && rejected.isEmpty ? [] : notJSONEntries(run, rejected: &rejected)
                let dead = (first ? deadLines : []) + notJSON.map(\.line) + rejected
                try commit(output: outcome.records, acknowledge: run.map(\.id) + (first ? settled : []), deadLetters: dead)
            case 64:
                writeStandardError(String(decoding: outcome.diagnostics, as: UTF8.self))
                throw .fatal(StageError(.invalidArgument, "the stage \(options.stagePath) refused its arguments (exit status 64)"))
            default:
                // Crashed, killed or failed: not acknowledged; taken again after --claim-idle.
                counts.failedBatches += 1
                let text = outcome.diagnosticsText
                diagnostics.warning(.unavailable, "\(input): the stage exited with status \(outcome.status) on \(run.count) entr\(run.count == 1 ? "y" : "ies") (\(run.first!.id)…); they stay pending and are taken again after --claim-idle\(text.isEmpty ? "" : ": " + text)")
                let words = ["HSET", keys.diagnostics] + run.flatMap { [$0.id, "exit status \(outcome.status)\(text.isEmpty ? "" : ": " + text)"] }
                _ = try call { r throws(RedisError) in try r.command(words) }
                // Entries that are not JSON would fail the stage again: dead-lettered now, the rest stay pending.
                var unused: [[UInt8]] = []
                let notJSON = notJSONEntries(run, rejected: &unused)
                let ids = notJSON.map(\.id) + (first ? settled : [])
                let dead = (first ? deadLines : []) + notJSON.map(\.line)
                if !ids.isEmpty || !dead.isEmpty {
                    try commit(output: [], acknowledge: ids, deadLetters: dead)
                }
            }
        }
    }

    /// The entries of `run` whose records are not JSON (the worker checks only their shape before the
    /// stage), as dead letters with their ids and reasons; the stage's verbatim copies of those records
    /// are taken out of `rejected`, so each is kept once.
    func notJSONEntries(_ run: [(id: String, record: [UInt8])], rejected: inout [[UInt8]]) -> [(id: String, line: [UInt8])] {
        var found: [(id: String, line: [UInt8])] = []
        for (id, record) in run {
            guard let why = StreamEntry.notJSON(record) else { continue }
            if let copy = rejected.firstIndex(of: record) { rejected.remove(at: copy) }
            diagnostics.error(why.code, "\(options.from.display): entry \(id): \(why.message)")
            found.append((id, WorkerDeadLetters.entry(input: options.from.display, entryID: id, code: why.code, reason: why.message,
                                                       record: record, diagnostics: nil)))
        }
        return found
    }

    /// The stage diagnostics kept for entries whose batches failed.
    func lastDiagnostics(_ ids: [String]) throws(WorkerStop) -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        let reply = try call { r throws(RedisError) in try r.command(["HMGET", self.keys.diagnostics] + ids) }
        var found: [String: String] = [:]
        for (id, value) in zip(ids, reply.items) { if let t = value.text { found[id] = t } }
        return found
    }

    /// Dead letters kept first; then the output and the acknowledgement: in one MULTI/EXEC when the
    /// output stream is on the input's server (sent ahead: its replies are checked at the next commit,
    /// WorkerAhead.swift), else output first, then XACK (a crash between the two repeats the output,
    /// never loses it).
    func commit(output: [[UInt8]], acknowledge ids: [String], deadLetters dead: [[UInt8]]) throws(WorkerStop) {
        if !deadLetters.keep(dead, onRetry: { e, _ in self.diagnostics.warning(e.code, e.message) }) {
            throw .fatal(StageError(.dataLoss, "cannot keep \(dead.count) dead letter\(dead.count == 1 ? "" : "s") in \(deadLetters.display); their entries stay pending"))
        }
        let b: (String) -> [UInt8] = { Array($0.utf8) }
        var ack: [[[UInt8]]] = []
        if !ids.isEmpty { ack.append([b("XACK"), b(options.from.key), b(options.group)] + ids.map(b)) }
        if !dead.isEmpty { ack.append([b("INCRBY"), b(keys.deadLettered), b(String(dead.count))]) }
        if !ids.isEmpty { ack.append([b("HDEL"), b(keys.diagnostics)] + ids.map(b)) }
        var adds: [[[UInt8]]] = []
        if let to = options.to {
            adds = output.map { [b("XADD"), b(to.key), b("*"), b("record"), $0] }
        } else if !output.isEmpty {
            var bytes: [UInt8] = []
            for line in output { bytes += line; bytes.append(0x0A) }
            if let e = writeAll(1, bytes) {
                if e == EPIPE { throw .stopped }
                throw .fatal(StageError(.dataLoss, "cannot write output: \(String(cString: strerror(e))); the batch stays pending"))
            }
        }
        if let outputRedis, !adds.isEmpty {
            try transaction(adds, on: outputRedis)
            adds = []
        }
        // The commit before this one ran while the stage did; its replies are checked now.
        try settleCommits()
        if !adds.isEmpty || !ack.isEmpty { commitAhead(adds + ack) }
        counts.recordsOut += output.count
        counts.deadLettered += dead.count
    }

    /// MULTI, the commands, EXEC: all or nothing (sent again whole after a lost connection).
    func transaction(_ commands: [[[UInt8]]], on connection: RedisConnection) throws(WorkerStop) {
        let all = [[Array("MULTI".utf8)]] + commands + [[Array("EXEC".utf8)]]
        let replies = try call(connection) { r throws(RedisError) in try r.pipeline(all) }
        try Worker.checkTransaction(replies, on: connection)
    }

    /// The replies of MULTI, the commands, EXEC: a command refused when queued or when run ends the
    /// worker (its batch pending).
    static func checkTransaction(_ replies: [RedisReply], on connection: RedisConnection) throws(WorkerStop) {
        guard let last = replies.last else { return }
        if case .array(let results) = last, let bad = results.first(where: { $0.errorText != nil }) {
            throw .fatal(StageError(.failedPrecondition, "\(connection.config.url.display): \(bad.errorText!)"))
        }
        if let e = replies.first(where: { $0.errorText != nil })?.errorText {
            throw .fatal(StageError(.failedPrecondition, "\(connection.config.url.display): MULTI/EXEC refused: \(e)"))
        }
    }
}
