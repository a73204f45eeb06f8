#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Times in records are RFC 3339 in UTC with `Z`, to the second (`2026-04-22T18:43:05Z`), so they
/// sort and compare as plain strings.
public enum RFC3339 {
    /// Formats seconds since the epoch.
    public static func format(epochSeconds: Int) -> String {
        var t = time_t(epochSeconds)
        var tm = tm()
        gmtime_r(&t, &tm)
        let year = Int(tm.tm_year) + 1900
        if year >= 0 && year <= 9999 {
            // Every record has a date or two: written as bytes, not through string interpolation.
            return String(unsafeUninitializedCapacity: 20) { out in
                func put(_ v: Int, _ width: Int, at offset: Int) {
                    var v = v
                    for k in stride(from: width - 1, through: 0, by: -1) {
                        out[offset + k] = UInt8(48 + v % 10)
                        v /= 10
                    }
                }
                put(year, 4, at: 0); out[4] = UInt8(ascii: "-")
                put(Int(tm.tm_mon) + 1, 2, at: 5); out[7] = UInt8(ascii: "-")
                put(Int(tm.tm_mday), 2, at: 8); out[10] = UInt8(ascii: "T")
                put(Int(tm.tm_hour), 2, at: 11); out[13] = UInt8(ascii: ":")
                put(Int(tm.tm_min), 2, at: 14); out[16] = UInt8(ascii: ":")
                put(Int(tm.tm_sec), 2, at: 17); out[19] = UInt8(ascii: "Z")
                return 20
            }
        }
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(tm.tm_year + 1900, 4))-\(pad(tm.tm_mon + 1, 2))-\(pad(tm.tm_mday, 2))T\(pad(tm.tm_hour, 2)):\(pad(tm.tm_min, 2)):\(pad(tm.tm_sec, 2))Z"
    }

    public static func now() -> String { format(epochSeconds: Int(time(nil))) }

    /// Days from the civil date to 1970-01-01 (proleptic Gregorian), valid for any year.
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Epoch seconds from UTC date and time fields.
    public static func epochSeconds(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) -> Int {
        daysFromCivil(year: year, month: month, day: day) * 86400 + hour * 3600 + minute * 60 + second
    }

    /// Parses RFC 3339 / ISO 8601 date-times with an offset or `Z`, and plain dates (`2026-04-22`,
    /// midnight UTC). Returns epoch seconds, or nil.
    public static func parse(_ text: String) -> Int? {
        let b = Array(text.trimmingSpaces.utf8)
        var i = 0
        func num(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += n
            return v
        }
        func eat(_ c: Character) -> Bool {
            if i < b.count, b[i] == c.asciiValue! { i += 1; return true }
            return false
        }
        guard let year = num(4), eat("-"), let month = num(2), eat("-"), let day = num(2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        if i == b.count { return epochSeconds(year: year, month: month, day: day) }
        guard i < b.count, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == 0x20 else { return nil }
        i += 1
        guard let hour = num(2), eat(":"), let minute = num(2) else { return nil }
        var second = 0
        if eat(":") { guard let s = num(2) else { return nil }; second = s }
        if eat(".") || eat(",") { while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 } }
        var offset = 0
        if i < b.count {
            if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") { i += 1 }
            else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let oh = num(2) else { return nil }
                _ = eat(":")
                let om = num(2) ?? 0
                offset = sign * (oh * 3600 + om * 60)
            } else { return nil }
        }
        guard i == b.count, hour <= 24, minute <= 59, second <= 60 else { return nil }
        return epochSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second) - offset
    }
}
