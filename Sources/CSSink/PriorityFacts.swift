import CSCore

/// What the sinks show of cs-enrich's `priority` member: the highest CVSS score (and its version), the CVEs
/// CISA's KEV catalog lists (with the first entry's dates), and the highest EPSS score and its percentile.
public struct PriorityFacts: Sendable, Equatable {
    public var cvssScore: Double?
    public var cvssVersion: String?
    public var kev: [String] = []
    public var kevDateAdded: String?
    public var kevDueDate: String?
    public var epssScore: Double?
    public var epssPercentile: Double?

    public var isEmpty: Bool { cvssScore == nil && kev.isEmpty && epssScore == nil }

    public init() {}

    public init(_ r: RecordScanner) {
        guard let p = r.value("priority"), p.isObject else { return }
        p.member("cvss")?.forEachElement { c in
            if let s = c.member("score")?.number, cvssScore.map({ s > $0 }) ?? true {
                cvssScore = s
                cvssVersion = c.member("version")?.string
            }
            return true
        }
        p.member("kev")?.forEachElement { k in
            if let cve = k.member("cve")?.string {
                if kev.isEmpty {
                    kevDateAdded = k.member("date_added")?.string
                    kevDueDate = k.member("due_date")?.string
                }
                kev.append(cve)
            }
            return true
        }
        p.member("epss")?.forEachElement { e in
            if let s = e.member("score")?.number, epssScore.map({ s > $0 }) ?? true {
                epssScore = s
                epssPercentile = e.member("percentile")?.number
            }
            return true
        }
    }

    /// "9.8", "10.0"
    static func score(_ v: Double) -> String {
        let tenths = Int((v * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// "0.94", "0.0004" → "0.00": two decimals are enough to read.
    static func probability(_ v: Double) -> String {
        let hundredths = Int((v * 100).rounded())
        return hundredths >= 100 ? "1.00" : "0." + (hundredths < 10 ? "0" : "") + String(hundredths)
    }

    /// The table's cell: `9.8 KEV 0.94` (CVSS score, KEV when listed, EPSS score); "-" for what is missing.
    var cell: String {
        [cvssScore.map(Self.score) ?? "-", kev.isEmpty ? "-" : "KEV", epssScore.map(Self.probability) ?? "-"].joined(separator: " ")
    }

    /// The digests' facts: `CVSS 9.8 (v3.1)`, `KEV: CVE-2024-3400 (added 2024-04-12, due 2024-04-19)`,
    /// `EPSS 0.94 (99.95th percentile)`; plain text, for the formatter to escape.
    var facts: [(label: String, text: String)] {
        var out: [(String, String)] = []
        if let s = cvssScore { out.append(("CVSS", Self.score(s) + (cvssVersion.map { " (v\($0))" } ?? ""))) }
        if !kev.isEmpty {
            var dates: [String] = []
            if let a = kevDateAdded { dates.append("added \(a)") }
            if let d = kevDueDate { dates.append("due \(d)") }
            out.append(("KEV", kev.joined(separator: ", ") + (dates.isEmpty ? "" : " (" + dates.joined(separator: ", ") + ")")))
        }
        if let e = epssScore {
            let pct = epssPercentile.map { p -> String in
                let hundredths = Int((p * 10_000).rounded())
                return " (\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)th percentile)"
            } ?? ""
            out.append(("EPSS", Self.probability(e) + pct))
        }
        return out
    }
}
