import CSCore

/// `--format markdown`: a digest for people, grouped by severity (most severe first, unrated
/// last), each advisory with its date, tactics, techniques, CVEs, link and summary. When a technique
/// carries evidence (a model's scored sentences), techniques are listed one a line with their `via`
/// and the best sentence quoted, so a reader can check the mapping. Feed text is
/// untrusted: Markdown and HTML metacharacters in it are escaped, and only http(s) URLs become links.
public struct MarkdownFormatter: Sendable {
    public var title: String
    public var summaryLimit: Int

    public init(title: String = "Advisory digest", summaryLimit: Int = 400) {
        self.title = title
        self.summaryLimit = summaryLimit
    }

    public func render(_ items: [AdvisorySummary]) -> String {
        var out = "# \(MarkdownFormatter.escape(title))\n\n"
        let groups: [(String, [AdvisorySummary])] = Severity.allCases.reversed().map { s in
            (s.name, items.filter { $0.severity == s })
        } + [("unrated", items.filter { $0.severity == nil })]
        let counts = groups.filter { !$0.1.isEmpty }.map { "\($0.1.count) \($0.0)" }
        out += "\(items.count) advisor\(items.count == 1 ? "y" : "ies")" + (counts.isEmpty ? "" : ": " + counts.joined(separator: ", ")) + "\n"
        for (name, group) in groups where !group.isEmpty {
            out += "\n## \(name.prefix(1).uppercased() + name.dropFirst()) (\(group.count))\n"
            for item in group { out += "\n" + entry(item) }
        }
        return out
    }

    func entry(_ item: AdvisorySummary) -> String {
        let title = MarkdownFormatter.escape(item.title.isEmpty ? "(untitled)" : item.title)
        var out: String
        if let url = item.url, let link = MarkdownFormatter.safeLink(url) {
            out = "### [\(title)](\(link))\n\n"
        } else {
            out = "### \(title)\n\n"
        }
        var facts: [String] = []
        if !item.publishedDate.isEmpty { facts.append("Published \(MarkdownFormatter.escape(item.publishedDate))") }
        if let type = item.type { facts.append("Type: \(MarkdownFormatter.escape(type))") }
        if item.exploited == true { facts.append("**Exploited**") }
        for (label, text) in item.priority.facts { facts.append(label == "KEV" ? "**KEV**: \(MarkdownFormatter.escape(text))" : "\(label) \(MarkdownFormatter.escape(text))") }
        if !facts.isEmpty { out += "- " + facts.joined(separator: " · ") + "\n" }
        if !item.tactics.isEmpty {
            out += "- Tactics: " + item.tactics.map { MarkdownFormatter.mapping($0, kind: "tactics") }.joined(separator: ", ") + "\n"
        }
        if item.techniques.contains(where: { !$0.evidence.isEmpty }) {
            out += "- Techniques:\n"
            for m in item.techniques { out += techniqueWithEvidence(m) }
        } else if !item.techniques.isEmpty {
            out += "- Techniques: " + item.techniques.map { MarkdownFormatter.mapping($0, kind: "techniques") }.joined(separator: ", ") + "\n"
        }
        if !item.cves.isEmpty {
            out += "- CVEs: " + item.cves.map { MarkdownFormatter.escape($0) }.joined(separator: ", ") + "\n"
        }
        if let summary = item.summary?.trimmingSpaces, !summary.isEmpty {
            let text = summary.count > summaryLimit ? String(summary.prefix(summaryLimit - 1)) + "…" : summary
            out += "\n> " + MarkdownFormatter.escape(TableFormatter.oneLine(text)) + "\n"
        }
        return out
    }

    /// `  - Ingress Tool Transfer (T1105) · via model:0.93, phrase:…` and, when it has evidence, its best
    /// sentence quoted below with the score and the field it came from.
    func techniqueWithEvidence(_ m: AdvisorySummary.Mapping) -> String {
        var out = "  - " + MarkdownFormatter.mapping(m, kind: "techniques")
        if !m.via.isEmpty { out += " · via " + m.via.map { MarkdownFormatter.escape($0) }.joined(separator: ", ") }
        out += "\n"
        if let best = m.evidence.first {
            let text = best.text.trimmingSpaces
            let shown = text.count > summaryLimit ? String(text.prefix(summaryLimit - 1)) + "…" : text
            var source: [String] = []
            if let score = best.score { source.append(TableFormatter.scoreText(score)) }
            if let field = best.field, !field.isEmpty { source.append(MarkdownFormatter.escape(field)) }
            out += "\n    > " + MarkdownFormatter.escape(shown) + (source.isEmpty ? "" : " (" + source.joined(separator: ", ") + ")") + "\n\n"
        }
        return out
    }

    /// `Credential Access (TA0006)` with the ID linked to MITRE when it looks like an ATT&CK ID.
    static func mapping(_ m: AdvisorySummary.Mapping, kind: String) -> String {
        let id = m.id
        let isAttackID = id.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "." } && !id.isEmpty
        let idText = isAttackID
            ? "[\(id)](https://attack.mitre.org/\(kind)/\(id.replacing(".", with: "/"))/)"
            : escape(id)
        if m.name.isEmpty || m.name == m.id { return idText }
        return "\(escape(m.name)) (\(idText))"
    }

    /// Backslash-escapes Markdown punctuation and turns HTML metacharacters into entities.
    static func escape(_ s: String) -> String {
        var out = ""
        for ch in TableFormatter.oneLine(s).unicodeScalars {
            switch ch {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\\", "`", "*", "_", "[", "]", "#", "|", "!", "(", ")", "{", "}", "~":
                out += "\\"; out.unicodeScalars.append(ch)
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// An http(s) URL as a link destination in angle brackets, or nil (javascript:, data: ... are not linked).
    static func safeLink(_ url: String) -> String? {
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return nil }
        var out = "<"
        for ch in url.unicodeScalars {
            switch ch {
            case "<": out += "%3C"
            case ">": out += "%3E"
            case " ": out += "%20"
            default:
                if ControlCharacters.isControl(ch) { continue }
                out.unicodeScalars.append(ch)
            }
        }
        return out + ">"
    }
}
