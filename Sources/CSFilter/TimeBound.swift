#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// `--since` / `--until`: a point in time given as a duration back from now (`90s`, `30m`, `24h`,
/// `7d`, `2w`), a date (`2026-04-01`) or an RFC 3339 date-time. Held as a canonical RFC 3339 string
/// because canonical record dates (`2026-04-22T18:43:05Z`) compare correctly as plain bytes.
struct TimeBound {
    let epoch: Int
    let canonical: [UInt8]

    /// `endOfDay`: a plain date means the end of that day (for `--until 2026-04-30`, which then includes the 30th).
    init(parsing text: String, flag: String, now: Int, endOfDay: Bool) throws(FilterSpecError) {
        let t = text.trimmingSpaces
        if let seconds = TimeBound.duration(t) {
            epoch = now - seconds
        } else if let e = RFC3339.parse(t) {
            let isPlainDate = t.utf8.count == 10
            epoch = isPlainDate && endOfDay ? e + 86400 : e
        } else {
            throw FilterSpecError("\(flag): '\(text)' is neither a duration (7d, 24h, 30m, 90s, 2w) nor a date (2026-04-01 or RFC 3339)")
        }
        canonical = Array(RFC3339.format(epochSeconds: epoch).utf8)
    }

    /// Seconds in `7d`, `24h`, ...; nil when the text is not a duration.
    static func duration(_ t: String) -> Int? {
        guard let unit = t.last, t.count >= 2, let n = Int(t.dropLast()), n >= 0 else { return nil }
        switch unit {
        case "s": return n
        case "m": return n * 60
        case "h": return n * 3600
        case "d": return n * 86400
        case "w": return n * 7 * 86400
        default: return nil
        }
    }

    /// -1, 0, 1 comparing a record's date string against this bound; nil when the value is null or
    /// not a date. Canonical values compare as bytes; anything else is parsed first.
    func compare(_ ref: JSONRef) -> Int? {
        guard let (content, hasEscape) = ref.stringContent else { return nil }
        if !hasEscape, content.count == 20, content[10] == UInt8(ascii: "T"), content[19] == UInt8(ascii: "Z") {
            let r = canonical.withUnsafeBufferPointer { memcmp(content.baseAddress!, $0.baseAddress!, 20) }
            return r < 0 ? -1 : (r > 0 ? 1 : 0)
        }
        guard let s = ref.string, let e = RFC3339.parse(s) else { return nil }
        return e < epoch ? -1 : (e > epoch ? 1 : 0)
    }
}
