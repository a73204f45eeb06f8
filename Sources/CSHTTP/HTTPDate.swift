#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CCurl
import CSCore

/// The `Retry-After` header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
public enum RetryAfter {
    public static func seconds(_ value: String, now: Int) -> Int? {
        let v = value.trimmingSpaces
        if !v.isEmpty, v.allSatisfy({ $0.isASCII && $0.isNumber }) { return Int(v) }
        guard let date = HTTPDate.parse(v) else { return nil }
        return max(0, date - now)
    }
}

/// An HTTP-date (RFC 9110 §5.6.7) in any of its three forms, as seconds since the epoch: IMF-fixdate
/// ("Sun, 06 Nov 1994 08:49:37 GMT"), the obsolete RFC 850 form ("Sunday, 06-Nov-94 08:49:37 GMT") and
/// asctime ("Sun Nov  6 08:49:37 1994"). libcurl's parser reads them (curl_getdate), the one cs uses.
public enum HTTPDate {
    public static func parse(_ text: String) -> Int? {
        let seconds = curl_getdate(text, nil)
        return seconds == -1 ? nil : Int(seconds)
    }
}

/// Wall-clock seconds (for Retry-After dates).
public enum WallClock {
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
