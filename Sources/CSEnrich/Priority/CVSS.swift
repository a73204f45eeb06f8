import CSCore

/// A CVSS base score computed from a vector, or written as a number, with where it was found.
public struct CVSSScore: Equatable, Sendable {
    /// "2.0", "3.0", "3.1", "4.0"; nil for a written score that names no version.
    public var version: String?
    /// The vector as written (canonical prefix kept), nil for a written score.
    public var vector: String?
    /// 0.0 … 10.0, one decimal.
    public var score: Double
    public var via: String

    public var severity: Severity { CVSS.severity(forScore: score) }
}

/// Why a CVSS vector or score was not used as evidence.
public struct CVSSError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// CVSS v2, v3.0, v3.1 and v4.0 base scores (FIRST's specifications) and the qualitative ranges.
public enum CVSS {
    /// CVSS's qualitative rating scale (v3.x and v4.0), used for every version so that one score means one
    /// severity: 0.0 none (info), 0.1-3.9 low, 4.0-6.9 medium, 7.0-8.9 high, 9.0-10.0 critical.
    public static func severity(forScore score: Double) -> Severity {
        if score >= 9.0 { return .critical }
        if score >= 7.0 { return .high }
        if score >= 4.0 { return .medium }
        if score > 0 { return .low }
        return .info
    }

    /// Parses a vector of any supported version and computes its base score. `vector` is the whole
    /// string: "CVSS:3.1/AV:N/…", "CVSS:4.0/AV:N/…", or a v2 vector "AV:N/AC:L/Au:N/C:P/I:P/A:P"
    /// (optionally "CVSS:2.0/…" or in parentheses).
    public static func score(vector: String) throws(CVSSError) -> (version: String, score: Double) {
        var text = Substring(vector)
        if text.hasPrefix("("), text.hasSuffix(")") { text = text.dropFirst().dropLast() }
        if text.hasPrefix("CVSS:3.1/") { return ("3.1", try CVSS3.score(metrics(text.dropFirst(9)))) }
        if text.hasPrefix("CVSS:3.0/") { return ("3.0", try CVSS3.score(metrics(text.dropFirst(9)))) }
        if text.hasPrefix("CVSS:4.0/") { return ("4.0", try CVSS4.score(metrics(text.dropFirst(9)))) }
        if text.hasPrefix("CVSS:2.0/") { return ("2.0", try CVSS2.score(metrics(text.dropFirst(9)))) }
        if text.hasPrefix("CVSS:") {
            throw CVSSError("unsupported CVSS version in \"\(text.prefix(12))\"")
        }
        return ("2.0", try CVSS2.score(metrics(text)))
    }

    /// "AV:N/AC:L" -> ["AV": "N", "AC": "L"]; rejects empty parts and repeated metrics.
    static func metrics(_ text: Substring) throws(CVSSError) -> [Substring: Substring] {
        var result: [Substring: Substring] = [:]
        for part in text.split(separator: "/", omittingEmptySubsequences: false) {
            guard let colon = part.firstIndex(of: ":"), colon != part.startIndex, part.index(after: colon) != part.endIndex else {
                throw CVSSError("malformed metric \"\(part)\"")
            }
            let key = part[..<colon]
            guard result[key] == nil else { throw CVSSError("metric \(key) given twice") }
            result[key] = part[part.index(after: colon)...]
        }
        return result
    }

    /// The value of a mandatory metric, checked against its allowed values.
    static func value(_ m: [Substring: Substring], _ key: Substring, _ allowed: [String]) throws(CVSSError) -> Substring {
        guard let v = m[key] else { throw CVSSError("missing metric \(key)") }
        guard allowed.contains(String(v)) else { throw CVSSError("metric \(key) has no value \"\(v)\"") }
        return v
    }

    /// Checks that every metric is known and has an allowed value.
    static func checkKnown(_ m: [Substring: Substring], _ known: [Substring: [String]]) throws(CVSSError) {
        for (key, value) in m {
            guard let allowed = known[key] else { throw CVSSError("unknown metric \(key)") }
            guard allowed.contains(String(value)) else { throw CVSSError("metric \(key) has no value \"\(value)\"") }
        }
    }

    /// Half up to one decimal (v2's round_to_1_decimal, v4.0's Math.round(x*10)/10).
    static func roundHalfUp1(_ x: Double) -> Double { (x * 10 + 0.5).rounded(.down) / 10 }
}
