import CSCore

/// The report's severity-over-time chart: inline SVG, one stacked bar per day, week (Monday to
/// Sunday) or month of `published`, whichever keeps the bars countable, empty periods included so
/// the time axis is even. Styled by the page's CSS (`.b-critical` ...), so it follows light and dark.
enum ReportChart {
    enum Period: String {
        case day, week, month

        /// Days for a short span, weeks up to about three years, months beyond.
        static func fitting(span days: Int) -> Period {
            days <= 62 ? .day : days <= 3 * 366 ? .week : .month
        }

        /// The period's key: a day number, the Monday's day number, or year * 12 + month - 1.
        func key(_ day: Int) -> Int {
            switch self {
            case .day: return day
            case .week: return day - ((day % 7 + 7 + 3) % 7)   // 1970-01-01 was a Thursday
            case .month:
                let (y, m) = ReportChart.yearMonth(day)
                return y * 12 + m - 1
            }
        }

        func next(_ key: Int) -> Int { self == .day ? key + 1 : self == .week ? key + 7 : key + 1 }

        func label(_ key: Int) -> String {
            switch self {
            case .day: return ReportTally.date(key)
            case .week: return "week of " + ReportTally.date(key)
            case .month:
                let y = key / 12, m = key % 12 + 1
                return "\(y)-" + (m < 10 ? "0\(m)" : "\(m)")
            }
        }

        func axisLabel(_ key: Int) -> String { self == .week ? ReportTally.date(key) : label(key) }
    }

    static func yearMonth(_ day: Int) -> (Int, Int) {
        let date = Array(ReportTally.date(day).utf8)
        let y = Int(String(decoding: date.prefix(4), as: UTF8.self)) ?? 1970
        let m = Int(String(decoding: date[5..<7], as: UTF8.self)) ?? 1
        return (y, m)
    }

    /// Severity indexes (as `ReportTally.bySeverity`) from the bottom of a bar up: the most severe
    /// at the base, where it is easiest to compare.
    static let stackOrder = [5, 4, 3, 2, 1, 0]
    static func className(_ index: Int) -> String { index == 0 ? "unrated" : Severity(rawValue: index - 1)!.name }

    static let width = 720.0, height = 200.0
    static let left = 40.0, right = 8.0, top = 10.0, bottom = 24.0

    /// The `<svg>` element, or nil when no advisory has a date.
    static func svg(_ days: [Int: [Int]]) -> String? {
        guard let first = days.keys.min(), let last = days.keys.max() else { return nil }
        let period = Period.fitting(span: last - first)
        var buckets: [Int: [Int]] = [:]
        for (day, counts) in days {
            let k = period.key(day)
            var sum = buckets[k] ?? [Int](repeating: 0, count: counts.count)
            for i in counts.indices { sum[i] += counts[i] }
            buckets[k] = sum
        }
        var keys: [Int] = []
        var k = period.key(first)
        let end = period.key(last)
        while k <= end { keys.append(k); k = period.next(k) }
        let highest = max(1, buckets.values.map { $0.reduce(0, +) }.max() ?? 1)
        let plotW = width - left - right, plotH = height - top - bottom
        let slot = plotW / Double(keys.count)
        let barW = slot > 3 ? slot * 0.8 : slot
        var out = "<svg class=\"chart\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-labelledby=\"chart-title\" xmlns=\"http://www.w3.org/2000/svg\">"
        out += "<title id=\"chart-title\">Advisories per \(period.rawValue) by severity, \(ReportTally.date(first)) to \(ReportTally.date(last))</title>\n"
        // Grid lines and counts at 0, half and the highest bar.
        for value in Set([0, highest / 2, highest]).sorted() {
            let y = top + plotH - plotH * Double(value) / Double(highest)
            out += "<line class=\"grid\" x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(width - right))\" y2=\"\(n(y))\"/>"
            out += "<text class=\"axis\" x=\"\(n(left - 4))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(value)</text>\n"
        }
        for (i, key) in keys.enumerated() {
            guard let counts = buckets[key] else { continue }
            let x = left + slot * Double(i) + (slot - barW) / 2
            var base = top + plotH
            for sev in stackOrder where counts[sev] > 0 {
                let h = plotH * Double(counts[sev]) / Double(highest)
                base -= h
                out += "<rect class=\"bar b-\(className(sev))\" x=\"\(n(x))\" y=\"\(n(base))\" width=\"\(n(barW))\" height=\"\(n(h))\">"
                out += "<title>\(period.label(key)): \(counts[sev]) \(className(sev))</title></rect>"
            }
            out += "\n"
        }
        // Dates under the first, middle and last bars.
        var marks = [0, keys.count - 1]
        if keys.count >= 5 { marks.insert(keys.count / 2, at: 1) }
        for (j, i) in Set(marks).sorted().enumerated() {
            let anchor = keys.count == 1 ? "middle" : j == 0 ? "start" : i == keys.count - 1 ? "end" : "middle"
            let x = anchor == "start" ? left + slot * Double(i) : anchor == "end" ? left + slot * Double(i + 1) : left + slot * (Double(i) + 0.5)
            out += "<text class=\"axis\" x=\"\(n(x))\" y=\"\(n(height - 6))\" text-anchor=\"\(anchor)\">\(period.axisLabel(keys[i]))</text>"
        }
        return out + "\n</svg>"
    }

    /// A coordinate with at most one decimal: short, and the same text for the same number.
    static func n(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let a = abs(tenths)
        return a % 10 == 0 ? "\(sign)\(a / 10)" : "\(sign)\(a / 10).\(a % 10)"
    }
}
