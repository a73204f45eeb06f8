/// Advisory severities, ordered: info < low < medium < high < critical.
public enum Severity: Int, Comparable, CaseIterable, Sendable, CustomStringConvertible {
    case info = 0, low, medium, high, critical

    public var name: String {
        switch self {
        case .info: "info"
        case .low: "low"
        case .medium: "medium"
        case .high: "high"
        case .critical: "critical"
        }
    }
    public var description: String { name }

    /// Parses a severity as feeds spell it (case-insensitive; common synonyms such as
    /// "informational", "moderate", "important", "severe").
    public init?(parsing text: String) {
        switch text.trimmingSpaces.lowercased() {
        case "info", "informational", "information", "none": self = .info
        case "low", "minor": self = .low
        case "medium", "moderate", "med": self = .medium
        case "high", "important", "major", "severe": self = .high
        case "critical", "crit", "urgent": self = .critical
        default: return nil
        }
    }

    /// Canonical names as byte strings, for comparing raw record bytes.
    public static func fromCanonicalBytes(_ b: UnsafeBufferPointer<UInt8>) -> Severity? {
        switch b.count {
        case 3: return b[0] == UInt8(ascii: "l") ? .low : nil
        case 4: return b[0] == UInt8(ascii: "i") ? .info : (b[0] == UInt8(ascii: "h") ? .high : nil)
        case 6: return b[0] == UInt8(ascii: "m") ? .medium : nil
        case 8: return b[0] == UInt8(ascii: "c") ? .critical : nil
        default: return nil
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rawValue < b.rawValue }
}

extension String {
    /// The string without leading and trailing ASCII whitespace.
    public var trimmingSpaces: String {
        let u = utf8
        // Most text has nothing to trim: the string itself, without a copy.
        guard let head = u.first, let tail = u.last else { return self }
        if !(head == 0x20 || head == 0x09 || head == 0x0A || head == 0x0D)
            && !(tail == 0x20 || tail == 0x09 || tail == 0x0A || tail == 0x0D) { return self }
        guard let first = u.firstIndex(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }) else { return "" }
        let last = u.lastIndex(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) })!
        return String(self[first...last])
    }
}
