#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore
import CSPosix

/// Delivers batches through an endpoint with retries: records the server took are counted as
/// delivered, records refused for good or still failing after `--retries` go to the dead-letter
/// file with their reason (reported with the record's id and input position, exit status 2).
/// Backoff is exponential with jitter; a server's Retry-After is honoured when it asks for longer.
final class Deliverer {
    let endpoint: DeliveryEndpoint
    let stage: Stage
    let options: DeliveryOptions
    let destination: String
    /// Records the server took, and of those the ones it said were new or replaced (Elasticsearch).
    private(set) var delivered = 0
    private(set) var created = 0
    private(set) var updated = 0
    /// Waits between attempts (seconds; false when stopped by a signal). Tests replace it to see the
    /// waits asked for instead of timing them.
    var pause: (Double) -> Bool = Deliverer.sleepUnlessStopped

    init(endpoint: DeliveryEndpoint, stage: Stage, options: DeliveryOptions, destination: String) {
        self.endpoint = endpoint
        self.stage = stage
        self.options = options
        self.destination = destination
    }

    func deliver(_ records: [PendingRecord]) {
        var pending = records
        var attempt = 1
        while !pending.isEmpty {
            let verdicts = endpoint.attempt(pending)
            var again: [PendingRecord] = []
            var wait = 0.0
            var lastReason = ""
            var lastCode = StatusCode.unavailable
            var failed = false
            for (record, verdict) in zip(pending, verdicts) {
                switch verdict {
                case .delivered, .created, .updated:
                    stage.recordDelivered()
                    delivered += 1
                    if case .created = verdict { created += 1 }
                    if case .updated = verdict { updated += 1 }
                case let .rejected(code, reason):
                    deadLetter(record, code, reason)
                case let .retry(code, reason, after):
                    again.append(record)
                    failed = true
                    lastReason = reason
                    lastCode = code
                    if let after { wait = max(wait, after) }
                case .resend:
                    again.append(record)
                }
            }
            // An endpoint that answered for fewer records than it was given: the rest go again.
            if verdicts.count < pending.count {
                again += pending[verdicts.count...]
                failed = true
                lastReason = "no answer for \(pending.count - verdicts.count) record(s)"
            }
            guard !again.isEmpty else { return }
            guard failed else {
                pending = again
                continue
            }
            let (stopped, retryAfterTooLong) = (cs_stop_signal() != 0, wait > options.maxRetryAfter)
            if attempt > options.retries || stopped || retryAfterTooLong {
                let why = stopped ? "stopped by a signal before delivery succeeded"
                    : retryAfterTooLong ? "the server asked to wait \(Int(wait)) s (over \(Int(options.maxRetryAfter)) s)"
                    : "gave up after \(attempt) attempt\(attempt == 1 ? "" : "s")"
                for record in again { deadLetter(record, lastCode, "\(why): \(lastReason)") }
                return
            }
            let backoff = min(options.maxBackoff, options.baseBackoff * Double(1 << min(attempt - 1, 20)))
            // Full jitter over the upper half, so clients that failed together do not return together.
            let delay = max(wait, backoff <= 0 ? 0 : Double.random(in: (backoff / 2)...backoff))
            stage.diagnostics.warning(lastCode, "\(destination): \(lastReason); \(again.count) record\(again.count == 1 ? "" : "s") sent again in \(formatDelay(delay)) s (attempt \(attempt + 1) of \(options.retries + 1))")
            if !pause(delay) {
                for record in again { deadLetter(record, lastCode, "stopped by a signal before delivery succeeded: \(lastReason)") }
                return
            }
            attempt += 1
            pending = again
        }
    }

    /// "280 records delivered to DEST: 270 new, 10 updated", when the server said which were new
    /// and which replaced (Elasticsearch); nil when it did not.
    var newAndUpdated: String? {
        guard created + updated > 0 else { return nil }
        let unsaid = delivered - created - updated
        return "\(delivered) record\(delivered == 1 ? "" : "s") delivered to \(destination): \(created) new, \(updated) updated"
            + (unsaid > 0 ? ", \(unsaid) not said" : "")
    }

    func deadLetter(_ record: PendingRecord, _ code: StatusCode, _ reason: String) {
        record.line.withUnsafeBufferPointer { line in
            stage.reject(line, at: record.position, code, "not delivered to \(destination): \(reason)", id: record.id)
        }
    }

    /// Sleeps in short steps so SIGINT/SIGTERM cuts the wait short; false when stopped.
    private static func sleepUnlessStopped(_ seconds: Double) -> Bool {
        var left = seconds
        while left > 0 {
            if cs_stop_signal() != 0 { return false }
            let step = min(left, 0.05)
            var ts = timespec(tv_sec: Int(step), tv_nsec: Int((step - Double(Int(step))) * 1e9))
            nanosleep(&ts, nil)
            left -= step
        }
        return cs_stop_signal() == 0
    }

    private func formatDelay(_ d: Double) -> String {
        let tenths = (d * 10).rounded() / 10
        return tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)
    }
}
