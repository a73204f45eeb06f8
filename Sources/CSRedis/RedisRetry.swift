#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSPosix

/// Reconnects with backoff: exponential from `base` to `maximum` seconds, with jitter over the upper
/// half so that workers that lost the server together do not return together.
public struct RedisBackoff: Sendable {
    public var base: Double
    public var maximum: Double
    private var attempt = 0

    public init(base: Double = 0.05, maximum: Double = 2) { self.base = base; self.maximum = maximum }

    public mutating func next() -> Double {
        let ceiling = min(maximum, base * Double(1 << min(attempt, 20)))
        attempt += 1
        return Double.random(in: (ceiling / 2)...ceiling)
    }

    public mutating func reset() { attempt = 0 }

    /// Sleeps in short steps so SIGINT/SIGTERM cut the wait short; false when stopped.
    public static func sleepUnlessStopped(_ seconds: Double) -> Bool {
        var left = seconds
        while left > 0 {
            if cs_stop_signal() != 0 { return false }
            let step = min(left, 0.05)
            var ts = timespec(tv_sec: 0, tv_nsec: Int(step * 1e9))
            nanosleep(&ts, nil)
            left -= step
        }
        return cs_stop_signal() == 0
    }
}

extension RedisConnection {
    /// Runs `body` until it succeeds: a lost connection is retried after a backoff (reported through
    /// `onRetry`), for at most `attempts` tries (nil: until a stop signal). Other errors are thrown at once.
    public func retrying<T>(attempts: Int? = nil, onRetry: (RedisError, Double) -> Void,
                            _ body: () throws(RedisError) -> T) throws(RedisError) -> T {
        var backoff = RedisBackoff()
        var tries = 0
        while true {
            do throws(RedisError) {
                return try body()
            } catch where error.kind == .connection {
                tries += 1
                if let attempts, tries >= attempts { throw error }
                let delay = backoff.next()
                onRetry(error, delay)
                if !RedisBackoff.sleepUnlessStopped(delay) { throw error }
            }
        }
    }
}
