#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
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
    public func delay(after result: Result<HTTPResponse, HTTPError>, attempt: Int, now: Int = Int(RFC3339Clock.now())) -> Double? {
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

/// The `Retry-After` header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
public enum RetryAfter {
    public static func seconds(_ value: String, now: Int) -> Int? {
        let v = value.trimmingSpaces
        if !v.isEmpty, v.allSatisfy({ $0.isASCII && $0.isNumber }) { return Int(v) }
        guard let date = HTTPDate.parse(v) else { return nil }
        return max(0, date - now)
    }
}

/// IMF-fixdate, the form every current server sends: "Sun, 06 Nov 1994 08:49:37 GMT".
public enum HTTPDate {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    public static func parse(_ text: String) -> Int? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]),
              let monthIndex = months.firstIndex(of: parts[2].lowercased()) else { return nil }
        let hms = parts[4].split(separator: ":").compactMap { Int($0) }
        guard hms.count == 3 else { return nil }
        return RFC3339.epochSeconds(year: year, month: monthIndex + 1, day: day, hour: hms[0], minute: hms[1], second: hms[2])
    }
}

/// Wall-clock seconds (for Retry-After dates).
public enum RFC3339Clock {
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
