import CSCore

/// `--format html`: one self-contained report file (inline CSS, no scripts, no external
/// resources), grouped by severity like the markdown digest. Feed text is untrusted: every piece
/// of it is HTML-escaped (the feed's own HTML is never copied in), only http(s) URLs become links,
/// and a Content-Security-Policy forbids scripts and remote loads should anything slip through.
public struct HTMLFormatter: Sendable {
    public var title: String
    public var summaryLimit: Int

    public init(title: String = "Advisory digest", summaryLimit: Int = 400) {
        self.title = title
        self.summaryLimit = summaryLimit
    }

    static let style = """
        body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;color:#222}
        h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}
        article{margin:1em 0 1.4em}h3{font-size:1.05em;margin:.2em 0}
        .sev{display:inline-block;min-width:5.5em;padding:0 .4em;border-radius:3px;color:#fff;font-size:.8em;text-align:center}
        .critical{background:#8b0000}.high{background:#d32f2f}.medium{background:#e69500}.low{background:#1e88a8}.info{background:#777}.unrated{background:#aaa}
        .meta{color:#555;font-size:.9em}blockquote{margin:.4em 0;color:#444;border-left:3px solid #ddd;padding-left:.8em}
        """

    public func render(_ items: [AdvisorySummary]) -> String {
        let groups: [(String, [AdvisorySummary])] = Severity.allCases.reversed().map { s in
            (s.name, items.filter { $0.severity == s })
        } + [("unrated", items.filter { $0.severity == nil })]
        let counts = groups.filter { !$0.1.isEmpty }.map { "\($0.1.count) \($0.0)" }
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'none'">
            <meta name="referrer" content="no-referrer">
            <title>\(HTMLFormatter.escape(title))</title>
            <style>\(HTMLFormatter.style)</style>
            </head>
            <body>
            <h1>\(HTMLFormatter.escape(title))</h1>
            <p>\(items.count) advisor\(items.count == 1 ? "y" : "ies")\(counts.isEmpty ? "" : ": " + counts.joined(separator: ", "))</p>

            """
        for (name, group) in groups where !group.isEmpty {
            out += "<section>\n<h2>\(name.prefix(1).uppercased() + name.dropFirst()) (\(group.count))</h2>\n"
            for item in group { out += article(item, severity: name) }
            out += "</section>\n"
        }
        out += "</body>\n</html>\n"
        return out
    }

    func article(_ item: AdvisorySummary, severity: String) -> String {
        let title = HTMLFormatter.escape(TableFormatter.oneLine(item.title.isEmpty ? "(untitled)" : item.title))
        var out = "<article>\n<h3><span class=\"sev \(severity)\">\(severity)</span> "
        if let url = item.url, let href = HTMLFormatter.safeHref(url) {
            out += "<a href=\"\(href)\" rel=\"noopener noreferrer\">\(title)</a>"
        } else {
            out += title
        }
        out += "</h3>\n"
        var facts: [String] = []
        if !item.publishedDate.isEmpty { facts.append("Published \(HTMLFormatter.escape(item.publishedDate))") }
        if let type = item.type { facts.append("Type: \(HTMLFormatter.escape(type))") }
        if item.exploited == true { facts.append("<strong>Exploited</strong>") }
        for (label, text) in item.priority.facts {
            facts.append(label == "KEV" ? "<strong>KEV</strong>: \(HTMLFormatter.escape(text))" : "\(label) \(HTMLFormatter.escape(text))")
        }
        if !item.tactics.isEmpty { facts.append("Tactics: " + item.tactics.map { HTMLFormatter.mapping($0, kind: "tactics") }.joined(separator: ", ")) }
        if !item.techniques.isEmpty { facts.append("Techniques: " + item.techniques.map { HTMLFormatter.mapping($0, kind: "techniques") }.joined(separator: ", ")) }
        if !item.cves.isEmpty { facts.append("CVEs: " + item.cves.map(HTMLFormatter.escape).joined(separator: ", ")) }
        if !facts.isEmpty { out += "<p class=\"meta\">" + facts.joined(separator: " · ") + "</p>\n" }
        if let summary = item.summary?.trimmingSpaces, !summary.isEmpty {
            let text = summary.count > summaryLimit ? String(summary.prefix(summaryLimit - 1)) + "…" : summary
            out += "<blockquote>\(HTMLFormatter.escape(TableFormatter.oneLine(text)))</blockquote>\n"
        }
        return out + "</article>\n"
    }

    /// `Credential Access (TA0006)`, the ID linked to attack.mitre.org when it looks like an ATT&CK ID.
    static func mapping(_ m: AdvisorySummary.Mapping, kind: String) -> String {
        let isAttackID = !m.id.isEmpty && m.id.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "." }
        let idText = isAttackID
            ? "<a href=\"https://attack.mitre.org/\(kind)/\(m.id.replacing(".", with: "/"))/\" rel=\"noopener noreferrer\">\(m.id)</a>"
            : escape(m.id)
        if m.name.isEmpty || m.name == m.id { return idText }
        return "\(escape(m.name)) (\(idText))"
    }

    /// Text for element content and quoted attribute values; control characters become spaces
    /// (they have no business in HTML text, and the file may well be shown with `cat`).
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            if ControlCharacters.isControl(ch) { out += " "; continue }
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// An http(s) URL made safe for a double-quoted href, or nil for any other scheme.
    static func safeHref(_ url: String) -> String? {
        let trimmed = url.trimmingSpaces
        let lower = trimmed.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return nil }
        guard !trimmed.unicodeScalars.contains(where: { ControlCharacters.isControl($0) || $0 == " " }) else { return nil }
        return escape(trimmed)
    }
}
