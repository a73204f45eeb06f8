import CSCore

/// Dates as feeds write them, into epoch seconds (UTC):
/// - RFC 3339 / ISO 8601 / W3CDTF, partial dates included (`2026`, `2026-04`, `2026-04-22`, `20260422`,
///   `2026-04-22T18:43`, fractions, `Z`, `±hh:mm`, `±hhmm`, `±hh`, no zone meaning UTC);
/// - RFC 822/2822 and their real-world variants: with or without weekday and seconds, two-digit years
///   (< 50 → 20xx), extra spaces and commas, numeric zones, named zones (`GMT`, `EST`, `CEST`...);
///   military letters count as UTC as RFC 2822 advises, since feeds disagree on their sign;
/// - asctime (`Wed Apr 22 18:43:05 2026`) and month-first forms (`April 22, 2026 6:43 PM`).
public enum FeedDate {
    /// Epoch seconds, or nil when the text is not a date cs understands.
    public static func parse(_ text: String) -> Int? {
        let b = Array(text.trimmingSpaces.utf8)
        guard !b.isEmpty else { return nil }
        let seconds = b.count >= 4 && b[0...3].allSatisfy(isDigit) ? iso(b) : (rfc822(b) ?? textual(b))
        // RFC 3339 has four-digit years: "22 Apr 20205" (found by fuzz-feed) would format as 20205-04-22.
        guard let seconds, representable.contains(seconds) else { return nil }
        return seconds
    }

    /// 0000-01-01T00:00:00Z ... 9999-12-31T23:59:59Z, the instants RFC 3339 can write.
    static let representable = RFC3339.epochSeconds(year: 0, month: 1, day: 1)
        ... RFC3339.epochSeconds(year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59)

    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    private static func isAlpha(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }

    // MARK: ISO 8601 / W3CDTF

    private static func iso(_ b: [UInt8]) -> Int? {
        var i = 0
        func num(_ n: Int) -> Int? {
            guard i + n <= b.count, b[i..<i + n].allSatisfy(isDigit) else { return nil }
            var v = 0
            for k in i..<i + n { v = v * 10 + Int(b[k] - 48) }
            i += n
            return v
        }
        func eat(_ c: UInt8) -> Bool { if i < b.count, b[i] == c { i += 1; return true }; return false }
        let dash = UInt8(ascii: "-"), colon = UInt8(ascii: ":")
        guard let year = num(4) else { return nil }
        var month = 1, day = 1
        let compact = i < b.count && isDigit(b[i])
        if compact {
            guard let m = num(2), let d = num(2) else { return nil }
            month = m; day = d
        } else if eat(dash) {
            guard let m = num(2) else { return nil }
            month = m
            if eat(dash) { guard let d = num(2) else { return nil }; day = d }
        }
        guard valid(year: year, month: month, day: day) else { return nil }
        var hour = 0, minute = 0, second = 0, offset = 0
        if i < b.count {
            guard b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == 0x20 else { return nil }
            while i < b.count, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == 0x20 { i += 1 }
            guard let h = num(2) else { return nil }
            hour = h
            _ = eat(colon)
            guard let m = num(2) else { return nil }
            minute = m
            if eat(colon) || (i < b.count && isDigit(b[i])) { guard let s = num(2) else { return nil }; second = s }
            if eat(UInt8(ascii: ".")) || eat(UInt8(ascii: ",")) { while i < b.count, isDigit(b[i]) { i += 1 } }
            while i < b.count, b[i] == 0x20 { i += 1 }
            if i < b.count {
                if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") { i += 1 }
                else if b[i] == UInt8(ascii: "+") || b[i] == dash {
                    let sign = b[i] == dash ? -1 : 1
                    i += 1
                    guard let oh = num(2) else { return nil }
                    _ = eat(colon)
                    let om = num(2) ?? 0
                    offset = sign * (oh * 3600 + om * 60)
                } else {
                    // A named zone after an ISO time ("2026-04-22 18:43:05 GMT").
                    guard let z = zone(String(decoding: b[i...], as: UTF8.self).trimmingSpaces.uppercased()) else { return nil }
                    offset = z
                    i = b.count
                }
            }
            guard i == b.count, hour <= 24, minute <= 59, second <= 60 else { return nil }
        }
        return RFC3339.epochSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second) - offset
    }

    // MARK: RFC 822 / 2822, asctime, month-first

    /// The form nearly every RSS feed writes, `Wed, 22 Apr 2026 18:43:05 +0000` (weekday optional, zone
    /// numeric or GMT/UT/UTC/Z), read without tokenizing; nil for anything else, which `textual` then reads
    /// (with the same result for this form: FeedDateTests hold both to it).
    static func rfc822(_ b: [UInt8]) -> Int? {
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in i..<i + n {
                guard isDigit(b[k]) else { return nil }
                v = v * 10 + Int(b[k] - 48)
            }
            i += n
            return v
        }
        func eat(_ c: UInt8) -> Bool { if i < b.count, b[i] == c { i += 1; return true }; return false }
        func word3() -> UInt32? {
            guard i + 3 <= b.count, isAlpha(b[i]), isAlpha(b[i + 1]), isAlpha(b[i + 2]) else { return nil }
            defer { i += 3 }
            return UInt32(b[i] | 0x20) << 16 | UInt32(b[i + 1] | 0x20) << 8 | UInt32(b[i + 2] | 0x20)
        }
        if isAlpha(b[0]) {
            guard let day = word3(), weekdays3.contains(day), eat(UInt8(ascii: ",")), eat(0x20) else { return nil }
        }
        let dayDigits = i + 1 < b.count && isDigit(b[i + 1]) ? 2 : 1
        guard let day = digits(dayDigits), eat(0x20), let monthWord = word3(), let monthIndex = months3.firstIndex(of: monthWord),
              eat(0x20), let year = digits(4), eat(0x20),
              let hour = digits(2), eat(UInt8(ascii: ":")), let minute = digits(2), eat(UInt8(ascii: ":")), let second = digits(2),
              eat(0x20), i < b.count
        else { return nil }
        let offset: Int
        switch b[i] {
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let hh = digits(2), let mm = digits(2) else { return nil }
            offset = sign * (hh * 3600 + mm * 60)
        default:
            let rest = b[i...]
            guard rest.elementsEqual("GMT".utf8) || rest.elementsEqual("UTC".utf8) || rest.elementsEqual("UT".utf8)
                    || rest.elementsEqual("Z".utf8) else { return nil }
            offset = 0
            i = b.count
        }
        let month = monthIndex + 1
        guard i == b.count, valid(year: year, month: month, day: day), hour <= 24, minute <= 59, second <= 60 else { return nil }
        return RFC3339.epochSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second) - offset
    }

    /// Three-letter weekday and month names, lowercase, packed as in `rfc822`'s `word3`.
    private static let weekdays3: [UInt32] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map(pack3)
    private static let months3: [UInt32] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map(pack3)
    private static func pack3(_ s: String) -> UInt32 { s.utf8.reduce(0) { $0 << 8 | UInt32($1) } }

    private enum Token {
        case word(String)
        case number(Int, digits: Int)
        case time(h: Int, m: Int, s: Int)
        case offset(Int)
    }

    private static func tokens(_ b: [UInt8]) -> [Token]? {
        var out: [Token] = []
        var i = 0
        var sawTime = false
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "(") {
                // An RFC 2822 comment, such as the zone name after an offset: "+0200 (CEST)".
                while i < b.count, b[i] != UInt8(ascii: ")") { i += 1 }
                i += 1
                continue
            }
            if c == UInt8(ascii: "-") && !sawTime {
                i += 1   // a date separator ("01-Jan-2004"); offsets only follow the time
                continue
            }
            if c == 0x20 || c == 0x09 || c == UInt8(ascii: ",") || c == UInt8(ascii: ".") {
                i += 1; continue
            }
            if isAlpha(c) {
                var k = i
                while k < b.count, isAlpha(b[k]) { k += 1 }
                out.append(.word(String(decoding: b[i..<k], as: UTF8.self).uppercased()))
                i = k
            } else if isDigit(c) {
                var k = i
                while k < b.count, isDigit(b[k]) { k += 1 }
                if k < b.count, b[k] == UInt8(ascii: ":") {
                    // hh:mm[:ss[.fff]]
                    var parts: [Int] = []
                    var j = i
                    while parts.count < 3 {
                        var v = 0, n = 0
                        while j < b.count, isDigit(b[j]), n < 3 { v = v * 10 + Int(b[j] - 48); j += 1; n += 1 }
                        guard n > 0 else { return nil }
                        parts.append(v)
                        if j < b.count, b[j] == UInt8(ascii: ":") { j += 1 } else { break }
                    }
                    if j < b.count, b[j] == UInt8(ascii: "."), parts.count == 3 {
                        j += 1
                        while j < b.count, isDigit(b[j]) { j += 1 }
                    }
                    guard parts.count >= 2 else { return nil }
                    out.append(.time(h: parts[0], m: parts[1], s: parts.count > 2 ? parts[2] : 0))
                    sawTime = true
                    i = j
                } else {
                    guard k - i <= 8 else { return nil }
                    var v = 0
                    for j in i..<k { v = v * 10 + Int(b[j] - 48) }
                    out.append(.number(v, digits: k - i))
                    i = k
                }
            } else if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
                let sign = c == UInt8(ascii: "-") ? -1 : 1
                var k = i + 1
                var digits: [Int] = []
                while k < b.count, isDigit(b[k]) || b[k] == UInt8(ascii: ":") {
                    if isDigit(b[k]) { digits.append(Int(b[k] - 48)) }
                    k += 1
                }
                let seconds: Int
                switch digits.count {
                case 1, 2: seconds = digits.reduce(0) { $0 * 10 + $1 } * 3600
                case 3: seconds = digits[0] * 3600 + (digits[1] * 10 + digits[2]) * 60
                case 4: seconds = (digits[0] * 10 + digits[1]) * 3600 + (digits[2] * 10 + digits[3]) * 60
                default: return nil
                }
                out.append(.offset(sign * seconds))
                i = k
            } else {
                return nil
            }
        }
        return out
    }

    static func textual(_ b: [UInt8]) -> Int? {
        guard let tokens = tokens(b) else { return nil }
        var year: Int?, month: Int?, day: Int?
        var time: (h: Int, m: Int, s: Int)?
        var offset = 0
        var zoneSeen = false
        var pm: Bool?
        var numbers: [(Int, Int)] = []
        for t in tokens {
            switch t {
            case .word(let w):
                if let m = monthNumber(w), month == nil { month = m; continue }
                if isWeekday(w) { continue }
                if w == "AM" || w == "PM" { pm = w == "PM"; continue }
                if w == "AT" || w == "T" || w == "OF" || w == "ON" { continue }
                guard let z = zone(w), !zoneSeen || w == "GMT" || w == "UTC" || w == "UT" else { return nil }
                offset = z
                zoneSeen = true
            case .number(let v, let digits):
                numbers.append((v, digits))
            case .time(let h, let m, let s):
                guard time == nil else { return nil }
                time = (h, m, s)
            case .offset(let o):
                // "GMT+2" adds to the named zone's zero; a bare offset sets it.
                offset += o
                zoneSeen = true
            }
        }
        // Numbers: day and year (in either order), or day/month/year when there is no month name.
        for (v, digits) in numbers {
            if digits >= 3 || v > 31 {
                guard year == nil else { return nil }
                year = v
            } else if day == nil, month != nil || numbers.count == 3 {
                day = v
            } else if month == nil {
                month = v
            } else if year == nil {
                year = v
            } else {
                return nil
            }
        }
        guard var y = year, let mo = month, let d = day else { return nil }
        if y < 100 { y += y < 50 ? 2000 : 1900 }
        guard valid(year: y, month: mo, day: d) else { return nil }
        var (h, mi, s) = time ?? (0, 0, 0)
        if let pm {
            guard h >= 1, h <= 12 else { return nil }
            if pm && h < 12 { h += 12 } else if !pm && h == 12 { h = 0 }
        }
        guard h <= 24, mi <= 59, s <= 60 else { return nil }
        return RFC3339.epochSeconds(year: y, month: mo, day: d, hour: h, minute: mi, second: s) - offset
    }

    private static func valid(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }

    private static let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    private static let fullMonths = ["JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST",
                                     "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER"]

    private static func monthNumber(_ w: String) -> Int? {
        if let i = months.firstIndex(of: w) { return i + 1 }
        if let i = fullMonths.firstIndex(of: w) { return i + 1 }
        if w == "SEPT" { return 9 }
        return nil
    }

    private static func isWeekday(_ w: String) -> Bool {
        let days = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
        let full = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]
        return days.contains(w) || full.contains(w) || w == "TUES" || w == "THUR" || w == "THURS"
    }

    /// Zone names to seconds east of UTC.
    private static func zone(_ w: String) -> Int? {
        let hour = 3600
        switch w {
        case "UT", "UTC", "GMT", "Z", "WET", "ZULU": return 0
        case "EST": return -5 * hour
        case "EDT": return -4 * hour
        case "CST": return -6 * hour
        case "CDT": return -5 * hour
        case "MST": return -7 * hour
        case "MDT": return -6 * hour
        case "PST": return -8 * hour
        case "PDT": return -7 * hour
        case "AST": return -4 * hour
        case "ADT": return -3 * hour
        case "AKST": return -9 * hour
        case "AKDT": return -8 * hour
        case "HST": return -10 * hour
        case "NST": return -(3 * hour + 1800)
        case "NDT": return -(2 * hour + 1800)
        case "BST", "CET", "WEST", "MET": return hour
        case "CEST", "EET", "MEST", "SAST": return 2 * hour
        case "EEST", "MSK": return 3 * hour
        case "IST": return 5 * hour + 1800
        case "SGT", "HKT", "AWST", "CCT": return 8 * hour
        case "JST", "KST": return 9 * hour
        case "ACST": return 9 * hour + 1800
        case "AEST": return 10 * hour
        case "ACDT": return 10 * hour + 1800
        case "AEDT": return 11 * hour
        case "NZST": return 12 * hour
        case "NZDT": return 13 * hour
        default:
            // RFC 822 military zones (one letter, J unused). Their signs are used both ways in the wild,
            // so RFC 2822 says to read them as UTC; so do we.
            if w.utf8.count == 1, let c = w.utf8.first, c >= 65, c <= 90, c != UInt8(ascii: "J") { return 0 }
            return nil
        }
    }
}
