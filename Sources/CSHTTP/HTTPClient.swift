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
/// once and `perHost` to any one scheme://host:port, retrying as `retry` says. Requests of one host
/// start in the order given, hosts in the order first seen; completions are reported as they
/// happen, on the calling thread.
public final class HTTPClient {
    public var parallel: Int
    public var perHost: Int
    public var retry: RetryPolicy
    /// Asked between steps; returning true abandons the transfers still under way (SIGINT/SIGTERM).
    public var shouldStop: () -> Bool = { false }
    /// Called about every 100 ms while transfers run: finished, total, bytes received so far.
    public var onProgress: ((_ finished: Int, _ total: Int, _ bytes: Int) -> Void)?

    /// One multi handle for the client's lifetime: its connection cache lets later requests to the
    /// same host (a sink posting batch after batch) reuse connections and TLS sessions.
    private lazy var multi: CurlMulti? = CurlMulti()

    public init(parallel: Int = 8, perHost: Int = 4, retry: RetryPolicy = RetryPolicy()) {
        self.parallel = max(1, parallel)
        self.perHost = max(1, perHost)
        self.retry = retry
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
        guard let multi else {
            for r in requests { completion(HTTPOutcome(request: r, result: .failure(HTTPError(.other, "libcurl could not be initialized")), attempts: 0, elapsedMs: 0)) }
            return true
        }
        var backlog = Backlog()
        for request in requests { backlog.add(PendingRequest(request)) }
        var runningEntries: [ObjectIdentifier: PendingRequest] = [:]  // the entry each running transfer came from
        var perHostRunning: [String: Int] = [:]
        var finished = 0
        var lastProgress = 0.0

        while !backlog.isEmpty || !multi.isEmpty {
            if shouldStop() {
                multi.cancelAll()
                return false
            }
            let now = monotonicSeconds()
            // Start what the limits allow: hosts in the order first seen, each host's requests in
            // order; a request waiting for its backoff lets the next one of its host go first.
            for host in backlog.hosts where multi.count < parallel {
                while multi.count < parallel, perHostRunning[host, default: 0] < perHost,
                      let entry = backlog.takeReady(host: host, now: now) {
                    guard let easy = CurlEasy(entry.request), multi.add(easy) else {
                        finished += 1
                        completion(HTTPOutcome(request: entry.original, result: .failure(HTTPError(.other, "libcurl refused the transfer")),
                                               attempts: entry.attempt, elapsedMs: 0))
                        continue
                    }
                    perHostRunning[host, default: 0] += 1
                    var started = entry
                    started.firstStart = entry.firstStart ?? now
                    runningEntries[ObjectIdentifier(easy)] = started
                }
            }

            // Sleep no longer than until the next backoff ends.
            var waitMs = 100
            if multi.isEmpty, let next = backlog.earliest {
                waitMs = max(1, min(1000, Int((next - now) * 1000)))
            }
            for (easy, code) in multi.step(timeoutMs: waitMs) {
                guard var entry = runningEntries.removeValue(forKey: ObjectIdentifier(easy)) else { continue }
                perHostRunning[entry.host, default: 1] -= 1
                var result = easy.result(code)
                if case .success(let response) = result, entry.request.followsRedirectsItself,
                   (300..<400).contains(response.status), let location = easy.redirectTarget() {
                    switch follow(&entry, to: location, status: response.status, from: easy.lastHop) {
                    case .some(let error): result = .failure(error)
                    case .none:
                        backlog.add(entry, first: true)  // a redirect goes on at once, ahead of new work
                        continue
                    }
                }
                if let delay = retry.delay(after: result, attempt: entry.attempt) {
                    entry.attempt += 1
                    entry.notBefore = monotonicSeconds() + delay
                    backlog.add(entry)
                    continue
                }
                if case .success(var response) = result {
                    response.redirects += entry.redirects
                    result = .success(response)
                }
                finished += 1
                completion(HTTPOutcome(request: entry.original, result: result, attempts: entry.attempt,
                                       elapsedMs: Int((monotonicSeconds() - (entry.firstStart ?? now)) * 1000)))
            }
            if let onProgress, monotonicSeconds() - lastProgress >= 0.1 {
                lastProgress = monotonicSeconds()
                onProgress(finished, requests.count, multi.transfers.reduce(0) { $0 + $1.receivedBytes })
            }
        }
        return true
    }

    /// Points `entry` at a redirect's target, or says why it cannot go there.
    private func follow(_ entry: inout PendingRequest, to location: String, status: Int, from hop: ConnectedHop?) -> HTTPError? {
        guard entry.redirects < entry.request.maxRedirects else {
            return HTTPError(.tooManyRedirects, "more than \(entry.request.maxRedirects) redirects (last: \(entry.request.url))")
        }
        let scheme = location.schemeSplit?.scheme.lowercased()
        guard scheme == "http" || scheme == "https" else {
            return HTTPError(.invalidURL, "redirect to an unsupported URL: \(location)")
        }
        var next = entry.request.redirected(to: location, status: status)
        next.redirectedFrom = hop  // the redirect guard judges the next connection against this one
        entry.retarget(next)
        entry.redirects += 1
        entry.notBefore = 0
        return nil
    }
}
