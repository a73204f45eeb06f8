import CSCore

/// `--format table`: aligned columns for people: severity, published date, CVSS/KEV/EPSS (when records carry
/// them), title, tactics.
/// Records are collected and sorted (most severe first by default) before printing; the layout
/// fits `width` columns by truncating the title (and tactics) with an ellipsis.
public struct TableFormatter: Sendable {
    public var width: Int
    public var color: Bool

    public init(width: Int, color: Bool) {
        self.width = max(40, width)
        self.color = color
    }

    static let severityWidth = 8, dateWidth = 10, gap = 2

    public func render(_ items: [AdvisorySummary]) -> [String] {
        let tacticTexts = items.map { TableFormatter.tacticText($0) }
        // CVSS / KEV / EPSS: a column only when some record carries them (cs-enrich's priority).
        let priorityWidth = items.contains { !$0.priority.isEmpty } ? max("CVSS KEV EPSS".count, items.map { $0.priority.cell.count }.max() ?? 0) : 0
        let fixed = TableFormatter.severityWidth + TableFormatter.gap + TableFormatter.dateWidth + TableFormatter.gap
            + (priorityWidth > 0 ? priorityWidth + TableFormatter.gap : 0)
        let flexible = width - fixed
        // Tactics get what they need up to a third of the flexible space; the title the rest.
        let tacticNeed = max("TACTICS".count, tacticTexts.map(DisplayWidth.of).max() ?? 0)
        var tacticWidth = min(tacticNeed, flexible / 3)
        var titleWidth = flexible - TableFormatter.gap - tacticWidth
        if titleWidth < 20 { tacticWidth = 0; titleWidth = flexible }
        let titleNeed = max("TITLE".count, items.map { DisplayWidth.of(TableFormatter.oneLine($0.title)) }.max() ?? 0)
        if titleNeed < titleWidth { titleWidth = titleNeed }

        var lines: [String] = []
        var header = TableFormatter.pad("SEVERITY", TableFormatter.severityWidth) + "  " + TableFormatter.pad("PUBLISHED", TableFormatter.dateWidth)
            + "  " + (priorityWidth > 0 ? TableFormatter.pad("CVSS KEV EPSS", priorityWidth) + "  " : "") + (tacticWidth > 0 ? TableFormatter.pad("TITLE", titleWidth) + "  TACTICS" : "TITLE")
        header = TableFormatter.trimTrailing(header)
        lines.append(color ? "\u{1B}[1m" + header + "\u{1B}[0m" : header)
        for (item, tactics) in zip(items, tacticTexts) {
            let sev = item.severity?.name ?? "-"
            var sevCell = TableFormatter.pad(sev, TableFormatter.severityWidth)
            if color, let s = item.severity { sevCell = TableFormatter.sgr(s) + sevCell + "\u{1B}[0m" }
            let date = TableFormatter.oneLine(item.publishedDate)
            var line = sevCell + "  " + TableFormatter.pad(date.isEmpty ? "-" : date, TableFormatter.dateWidth) + "  "
            if priorityWidth > 0 { line += TableFormatter.pad(item.priority.cell, priorityWidth) + "  " }
            let title = TableFormatter.truncate(TableFormatter.oneLine(item.title.isEmpty ? "(untitled)" : item.title), titleWidth)
            if tacticWidth > 0 {
                line += TableFormatter.pad(title, titleWidth) + "  " + TableFormatter.truncate(tactics, tacticWidth)
            } else {
                line += title
            }
            lines.append(TableFormatter.trimTrailing(line))
        }
        return lines
    }

    static func tacticText(_ item: AdvisorySummary) -> String {
        item.tactics.isEmpty ? "-" : oneLine(item.tactics.map { $0.name.isEmpty ? $0.id : $0.name }.joined(separator: ", "))
    }

    /// ANSI colour of a severity: critical bold red, high red, medium yellow, low cyan, info dim.
    static func sgr(_ s: Severity) -> String {
        switch s {
        case .critical: return "\u{1B}[1;31m"
        case .high: return "\u{1B}[31m"
        case .medium: return "\u{1B}[33m"
        case .low: return "\u{1B}[36m"
        case .info: return "\u{1B}[2m"
        }
    }

    /// Control characters (feed text is untrusted: no escape sequences reach the terminal) and
    /// line breaks become spaces.
    static func oneLine(_ s: String) -> String { ControlCharacters.spaced(s) }

    static func truncate(_ s: String, _ width: Int) -> String { DisplayWidth.truncate(s, width) }

    static func pad(_ s: String, _ width: Int) -> String { DisplayWidth.pad(s, width) }

    static func trimTrailing(_ s: String) -> String {
        var s = s
        while s.last == " " { s.removeLast() }
        return s
    }
}
