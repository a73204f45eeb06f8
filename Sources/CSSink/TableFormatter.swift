import CSCore

/// `--format table`: aligned columns for people: severity, published date, CVSS/KEV/EPSS (when records carry
/// them), title, tactics, and techniques with their model scores (when some technique carries one:
/// `T1105 0.93, T1059.001`, best score first).
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
        // Techniques: a column only when a technique carries a model score (evidence), up to a quarter.
        let techniqueTexts = items.map { TableFormatter.techniqueText($0) }
        let scored = items.contains { $0.techniques.contains { $0.bestScore != nil } }
        var techniqueWidth = scored ? min(max("TECHNIQUES".count, techniqueTexts.map(DisplayWidth.of).max() ?? 0), flexible / 4) : 0
        var titleWidth = flexible - TableFormatter.gap - tacticWidth - (techniqueWidth > 0 ? techniqueWidth + TableFormatter.gap : 0)
        // Titles come first: the techniques column only on a terminal wide enough to leave a title 40 columns.
        if titleWidth < 40 && techniqueWidth > 0 { techniqueWidth = 0; titleWidth = flexible - TableFormatter.gap - tacticWidth }
        if titleWidth < 20 { tacticWidth = 0; titleWidth = flexible }
        let titleNeed = max("TITLE".count, items.map { DisplayWidth.of(TableFormatter.oneLine($0.title)) }.max() ?? 0)
        if titleNeed < titleWidth { titleWidth = titleNeed }

        var lines: [String] = []
        var header = TableFormatter.pad("SEVERITY", TableFormatter.severityWidth) + "  " + TableFormatter.pad("PUBLISHED", TableFormatter.dateWidth)
            + "  " + (priorityWidth > 0 ? TableFormatter.pad("CVSS KEV EPSS", priorityWidth) + "  " : "") + (tacticWidth > 0 ? TableFormatter.pad("TITLE", titleWidth) + "  TACTICS" : "TITLE")
        if tacticWidth > 0 && techniqueWidth > 0 { header = TableFormatter.pad(header, DisplayWidth.of(header) + tacticWidth - "TACTICS".count) + "  TECHNIQUES" }
        header = TableFormatter.trimTrailing(header)
        lines.append(color ? "\u{1B}[1m" + header + "\u{1B}[0m" : header)
        for (index, (item, tactics)) in zip(items, tacticTexts).enumerated() {
            let sev = item.severity?.name ?? "-"
            var sevCell = TableFormatter.pad(sev, TableFormatter.severityWidth)
            if color, let s = item.severity { sevCell = TableFormatter.sgr(s) + sevCell + "\u{1B}[0m" }
            let date = TableFormatter.oneLine(item.publishedDate)
            var line = sevCell + "  " + TableFormatter.pad(date.isEmpty ? "-" : date, TableFormatter.dateWidth) + "  "
            if priorityWidth > 0 { line += TableFormatter.pad(item.priority.cell, priorityWidth) + "  " }
            let title = TableFormatter.truncate(TableFormatter.oneLine(item.title.isEmpty ? "(untitled)" : item.title), titleWidth)
            if tacticWidth > 0 && techniqueWidth > 0 {
                line += TableFormatter.pad(title, titleWidth) + "  " + TableFormatter.pad(TableFormatter.truncate(tactics, tacticWidth), tacticWidth)
                    + "  " + TableFormatter.truncate(techniqueTexts[index], techniqueWidth)
            } else if tacticWidth > 0 {
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

    /// Technique IDs, those with a model score first (best first) and written with it: "T1105 0.93, T1110".
    static func techniqueText(_ item: AdvisorySummary) -> String {
        guard !item.techniques.isEmpty else { return "-" }
        let ordered = item.techniques.enumerated().sorted { a, b in
            switch (a.element.bestScore, b.element.bestScore) {
            case let (x?, y?) where x != y: return x > y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a.offset < b.offset
            }
        }
        return oneLine(ordered.map { m in
            let id = m.element.id.isEmpty ? m.element.name : m.element.id
            return m.element.bestScore.map { id + " " + scoreText($0) } ?? id
        }.joined(separator: ", "))
    }

    /// A score in [0, 1] with two decimals ("0.93"); others as Swift writes them.
    static func scoreText(_ score: Double) -> String {
        guard score >= 0, score <= 1 else { return String(score) }
        let hundredths = Int((score * 100).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
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
