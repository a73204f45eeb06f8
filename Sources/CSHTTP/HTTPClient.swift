/// The result of one request after all its attempts.
public struct HTTPOutcome: Sendable {
    public var request: HTTPRequest
    /// A response (any status) or a transport failure, from the last attempt.
    public var result: Result<HTTPResponse, HTTPError>
    public var attempts: Int
    /// From the first attempt's start to the end of the last, waits included.
    public var elapsedMs: Int
}

/// Runs requests concurrently over one libcurl multi handle: at most `parallel` transfers at
/// once and `perHost` to any one scheme://host:port, retrying as `retry` says. Requests start in
/// the order given; completions are reported as they happen, on the calling thread.
public final class HTTPClient {
    public var parallel: Int
    public var perHost: Int
    public var retry: RetryPolicy
    /// Asked between steps; returning true abandons the transfers still under way (SIGINT/SIGTERM).
    public var shouldStop: () -> Bool = { false }
    /// Called about every 100 ms while transfers run: finished, total, bytes received so far.
    public var onProgress: ((_ finished: Int, _ total: Int, _ bytes: Int) -> Void)?

    public init(parallel: Int = 8, perHost: Int = 4, retry: RetryPolicy = RetryPolicy()) {
        self.parallel = max(1, parallel)
        self.perHost = max(1, perHost)
        self.retry = retry
    }

    private struct Pending {
        var request: HTTPRequest
        var attempt: Int        // the attempt this entry will make, from 1
        var notBefore: Double   // monotonic seconds
        var firstStart: Double?
    }

    /// Performs one request (with retries) and returns its outcome.
    public func perform(_ request: HTTPRequest) -> HTTPOutcome {
        var outcome: HTTPOutcome?
        run([request]) { outcome = $0 }
        return outcome ?? HTTPOutcome(request: request, result: .failure(HTTPError(.cancelled, "cancelled")), attempts: 0, elapsedMs: 0)
    }

    /// Performs every request; `completion` is called once per request, in completion order.
    /// Returns false when stopped by `shouldStop` before all were done.
    @discardableResult
    public func run(_ requests: [HTTPRequest], completion: (HTTPOutcome) -> Void) -> Bool {
        guard let multi = CurlMulti() else {
            for r in requests { completion(HTTPOutcome(request: r, result: .failure(HTTPError(.other, "libcurl could not be initialized")), attempts: 0, elapsedMs: 0)) }
            return true
        }
        var pending = requests.map { Pending(request: $0, attempt: 1, notBefore: 0, firstStart: nil) }
        var firstStarts: [ObjectIdentifier: (Double, Int)] = [:]  // running transfer -> (first start, attempt)
        var perHostRunning: [String: Int] = [:]
        var finished = 0
        var lastProgress = 0.0

        while !pending.isEmpty || !multi.isEmpty {
            if shouldStop() { return false }
            let now = monotonicSeconds()
            // Start what the limits allow, in order; a request waiting for its backoff keeps its place.
            var index = 0
            while index < pending.count, multi.count < parallel {
                let p = pending[index]
                let host = p.request.hostKey
                guard p.notBefore <= now, perHostRunning[host, default: 0] < perHost else { index += 1; continue }
                pending.remove(at: index)
                guard let easy = CurlEasy(p.request), multi.add(easy) else {
                    finished += 1
                    completion(HTTPOutcome(request: p.request, result: .failure(HTTPError(.other, "libcurl refused the transfer")),
                                           attempts: p.attempt, elapsedMs: 0))
                    continue
                }
                perHostRunning[host, default: 0] += 1
                firstStarts[ObjectIdentifier(easy)] = (p.firstStart ?? now, p.attempt)
            }

            // Sleep no longer than until the next backoff ends.
            var waitMs = 100
            if multi.isEmpty, let next = pending.map(\.notBefore).min() {
                waitMs = max(1, min(1000, Int((next - now) * 1000)))
            }
            for (easy, code) in multi.step(timeoutMs: waitMs) {
                let host = easy.request.hostKey
                perHostRunning[host, default: 1] -= 1
                let (firstStart, attempt) = firstStarts.removeValue(forKey: ObjectIdentifier(easy)) ?? (now, 1)
                let result = easy.result(code)
                if let delay = retry.delay(after: result, attempt: attempt) {
                    pending.append(Pending(request: easy.request, attempt: attempt + 1,
                                           notBefore: monotonicSeconds() + delay, firstStart: firstStart))
                    continue
                }
                finished += 1
                completion(HTTPOutcome(request: easy.request, result: result, attempts: attempt,
                                       elapsedMs: Int((monotonicSeconds() - firstStart) * 1000)))
            }
            if let onProgress, monotonicSeconds() - lastProgress >= 0.1 {
                lastProgress = monotonicSeconds()
                onProgress(finished, requests.count, multi.transfers.reduce(0) { $0 + $1.receivedBytes })
            }
        }
        return true
    }
}
