#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
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
public enum WallClock {
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
