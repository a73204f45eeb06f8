import CSCore

/// The severities `--sev` selects, as an inclusive range.
///
/// Spellings: `high` (high and above), `=high` (exactly high), `medium..high` (inclusive range),
/// `..medium` (medium and below), `high..` (same as `high`). Level names go through
/// `Severity(parsing:)`, so synonyms such as `moderate` or `important` work too.
public struct SeverityRange: Sendable, Equatable, CustomStringConvertible {
    public var lower: Severity
    public var upper: Severity

    public init(lower: Severity, upper: Severity) {
        self.lower = lower
        self.upper = upper
    }

    public init(parsing spec: String) throws(FilterSpecError) {
        let text = spec.trimmingSpaces
        func level(_ s: Substring, _ fallback: Severity) throws(FilterSpecError) -> Severity {
            if s.isEmpty { return fallback }
            guard let v = Severity(parsing: String(s)) else {
                throw FilterSpecError("--sev: unknown severity '\(s)' (expected info, low, medium, high or critical)")
            }
            return v
        }
        if text.hasPrefix("=") {
            let v = try level(text.dropFirst(), .info)
            guard !text.dropFirst().isEmpty else { throw FilterSpecError("--sev: '=' needs a level, e.g. =high") }
            self.init(lower: v, upper: v)
        } else if let dots = text.firstRange(of: "..") {
            let lo = try level(text[..<dots.lowerBound], .info)
            let hi = try level(text[dots.upperBound...], .critical)
            guard lo <= hi else { throw FilterSpecError("--sev: empty range '\(spec)' (\(lo) is above \(hi))") }
            self.init(lower: lo, upper: hi)
        } else {
            guard !text.isEmpty else { throw FilterSpecError("--sev: empty severity") }
            self.init(lower: try level(Substring(text), .info), upper: .critical)
        }
    }

    public func contains(_ s: Severity) -> Bool { s >= lower && s <= upper }

    public var description: String {
        if lower == upper { return "=\(lower)" }
        if upper == .critical { return "\(lower)" }
        return "\(lower)..\(upper)"
    }
}
