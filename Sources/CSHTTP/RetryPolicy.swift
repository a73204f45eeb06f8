import CSCore

/// When and how long to wait before another attempt: exponential backoff with full jitter on
/// connection failures, 429 and 5xx, and the server's `Retry-After` when it gives one.
public struct RetryPolicy: Sendable {
    /// Further attempts after the first (0 = never retry).
    public var retries: Int
    /// The first backoff; each later one doubles (before jitter).
    public var baseDelay: Double
    public var maxDelay: Double
    /// A `Retry-After` longer than this is not waited for: the request fails at once instead.
    public var maxRetryAfter: Double

    public init(retries: Int = 2, baseDelay: Double = 1, maxDelay: Double = 30, maxRetryAfter: Double = 120) {
        self.retries = retries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    public static let none = RetryPolicy(retries: 0)

    /// The pause before attempt `attempt + 1` (attempt counts from 1), or nil when the outcome is final.
    public func delay(after result: Result<HTTPResponse, HTTPError>, attempt: Int, now: Int = Int(WallClock.now())) -> Double? {
        guard attempt <= retries else { return nil }
        switch result {
        case .failure(let error):
            return error.isRetryable ? backoff(attempt: attempt) : nil
        case .success(let response):
            guard HTTPStatus.isRetryable(response.status) else { return nil }
            if let value = response.header("Retry-After") {
                guard let wait = RetryAfter.seconds(value, now: now) else { return backoff(attempt: attempt) }
                return Double(wait) <= maxRetryAfter ? Double(wait) : nil
            }
            return backoff(attempt: attempt)
        }
    }

    /// Full jitter: uniformly between half the exponential step and the step itself, so that many
    /// clients that failed together do not come back together.
    public func backoff(attempt: Int) -> Double {
        let step = min(maxDelay, baseDelay * Double(1 << min(attempt - 1, 20)))
        return step <= 0 ? 0 : Double.random(in: (step / 2)...step)
    }
}
