import CSAttack
import CSCore

/// `--format html`: a report in one self-contained file (inline CSS and inline SVG, no scripts, no
/// external resources): counts by severity and feed, a severity-over-time chart, the ATT&CK matrix
/// linking to the advisories, top groups, software and CVEs, each advisory with its mappings, their
/// `via` and evidence, and an indicator table.
///
/// Records stream in through `add`; only what the page shows is kept (`ReportAdvisory`, cut long
/// text) plus the counts (`ReportTally`). The page is written in pieces by `render`, sorted
/// throughout, with no clock unless `generatedAt` is given: the same input gives the same bytes.
///
/// Feed text is untrusted: every piece of it is HTML-escaped (the feed's own HTML is never copied
/// in), control characters and bidi overrides become spaces, only http(s) URLs become links, and a
/// Content-Security-Policy forbids scripts and remote loads should anything slip through.
public final class HTMLFormatter {
    public var title: String
    public var summaryLimit: Int
    public var sort: SinkSort
    /// The report time shown (`--report-time`); nil keeps the output free of the clock.
    public var generatedAt: String?
    private var advisories: [ReportAdvisory] = []
    private var tally = ReportTally()

    public init(title: String = "Advisory digest", summaryLimit: Int = 400, sort: SinkSort = .severity, generatedAt: String? = nil) {
        self.title = title
        self.summaryLimit = summaryLimit
        self.sort = sort
        self.generatedAt = generatedAt
    }

    /// One record, read from its scanner.
    public func add(_ r: RecordScanner) {
        let a = ReportAdvisory(r, sequence: advisories.count, summaryLimit: summaryLimit)
        tally.add(a)
        advisories.append(a)
    }

    /// The whole page as one string (tests; `render(_:)` writes it in pieces).
    public func render() -> String {
        var out = ""
        render { out += $0 }
        return out
    }

    /// Writes the page through `emit`, a section or an advisory at a time.
    public func render(_ emit: (String) -> Void) {
        emit(head())
        emit(overview())
        emit(timeline())
        let matrix = ReportMatrix(tally.techniques)
        emit(matrixSection(matrix))
        emit(tops())
        emit("<section id=\"advisories\">\n<h2>Advisories</h2>\n")
        if advisories.isEmpty { emit("<p class=\"note\">No advisories.</p>\n") }
        let order = sortedIndices()
        for sev in ([5, 4, 3, 2, 1, 0] as [Int]) {
            let group = order.filter { ReportTally.severityIndex(advisories[$0].summary.severity) == sev }
            guard !group.isEmpty else { continue }
            let name = ReportChart.className(sev)
            emit("<section class=\"sev-group\">\n<h3>\(name.prefix(1).uppercased() + name.dropFirst()) (\(group.count))</h3>\n")
            for i in group { emit(article(advisories[i], severity: name, matrix: matrix)) }
            emit("</section>\n")
        }
        emit("</section>\n")
        emit(indicatorTable())
        emit(footer())
    }

    // MARK: sections

    private func head() -> String {
        let t = HTMLFormatter.escape(title)
        var lede = "\(tally.count) advisor\(tally.count == 1 ? "y" : "ies") from \(tally.feeds.count) feed\(tally.feeds.count == 1 ? "" : "s")"
        if let first = tally.days.keys.min(), let last = tally.days.keys.max() {
            lede += first == last ? ", published \(ReportTally.date(first))" : ", published \(ReportTally.date(first)) to \(ReportTally.date(last))"
        }
        let counts = ([5, 4, 3, 2, 1, 0] as [Int]).filter { tally.bySeverity[$0] > 0 }.map { "\(tally.bySeverity[$0]) \(ReportChart.className($0))" }
        if !counts.isEmpty { lede += ": " + counts.joined(separator: ", ") }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'; base-uri 'none'">
            <meta name="referrer" content="no-referrer">
            <meta name="color-scheme" content="light dark">
            <title>\(t)</title>
            <style>\(ReportStyle.css)</style>
            </head>
            <body>
            <header>
            <h1>\(t)</h1>
            <p class="lede">\(lede)</p>
            \(generatedAt.map { "<p class=\"lede\">Generated <time datetime=\"\(HTMLFormatter.escape($0))\">\(HTMLFormatter.escape($0))</time></p>\n" } ?? "")<nav><a href="#overview">Overview</a><a href="#timeline">Timeline</a><a href="#matrix">ATT&amp;CK matrix</a><a href="#top">Top</a><a href="#advisories">Advisories</a><a href="#indicators">Indicators</a></nav>
            </header>

            """
    }

    private func overview() -> String {
        var out = "<section id=\"overview\">\n<h2>Overview</h2>\n<div class=\"row\">\n"
        out += "<table class=\"by-severity\"><caption>By severity</caption><thead><tr><th>Severity</th><th>Advisories</th></tr></thead><tbody>\n"
        for sev in [5, 4, 3, 2, 1, 0] where sev > 0 || tally.bySeverity[0] > 0 {
            let name = ReportChart.className(sev)
            out += "<tr><td><span class=\"sev \(name)\">\(name)</span></td><td class=\"num\">\(tally.bySeverity[sev])</td></tr>\n"
        }
        out += "</tbody></table>\n"
        out += "<table class=\"by-feed\"><caption>By feed</caption><thead><tr><th>Feed</th><th>Advisories</th></tr></thead><tbody>\n"
        for feed in tally.rankedFeeds {
            var cell = HTMLFormatter.escape(feed.title.isEmpty ? "(no feed)" : feed.title)
            if !feed.url.isEmpty && feed.url != feed.title { cell += "<br><small>\(HTMLFormatter.escape(feed.url))</small>" }
            out += "<tr><td>\(cell)</td><td class=\"num\">\(feed.count)</td></tr>\n"
        }
        return out + "</tbody></table>\n</div>\n</section>\n"
    }

    private func timeline() -> String {
        var out = "<section id=\"timeline\">\n<h2>Severity over time</h2>\n"
        guard let svg = ReportChart.svg(tally.days) else {
            return out + "<p class=\"note\">No advisory has a published date.</p>\n</section>\n"
        }
        out += svg + "\n<ul class=\"legend\">"
        for sev in ReportChart.stackOrder where sev > 0 || tally.bySeverity[0] > 0 {
            let name = ReportChart.className(sev)
            out += "<li><i class=\"\(name)\"></i>\(name)</li>"
        }
        out += "</ul>\n"
        if tally.undated > 0 { out += "<p class=\"note\">\(tally.undated) advisor\(tally.undated == 1 ? "y has" : "ies have") no published date and \(tally.undated == 1 ? "is" : "are") not in the chart.</p>\n" }
        return out + "</section>\n"
    }

    private func matrixSection(_ matrix: ReportMatrix) -> String {
        var out = "<section id=\"matrix\">\n<h2>ATT&amp;CK matrix</h2>\n"
        guard !matrix.ranked.isEmpty else {
            return out + "<p class=\"note\">No advisory maps to an ATT&amp;CK technique.</p>\n</section>\n"
        }
        out += "<p class=\"note\">ATT&amp;CK Enterprise \(HTMLFormatter.escape(ATTACK.version)): the techniques the advisories map to, under their tactics, shaded by how many advisories map to them (darkest: \(matrix.highest)). A cell links to its advisories.</p>\n"
        out += matrix.html()
        out += "<h3>Techniques and their advisories</h3>\n<div class=\"techs\">\n"
        for t in matrix.ranked {
            let (name, _) = ReportTally.placement(t)
            out += "<div class=\"tech\" id=\"\(matrix.anchor(t))\"><h4>\(HTMLFormatter.escape(t.id)) \(HTMLFormatter.escape(name)) (\(t.advisories.count))</h4><ul>"
            for n in t.advisories { out += "<li><a href=\"#adv-\(n)\">\(displayTitle(advisories[n - 1]))</a></li>" }
            out += "</ul></div>\n"
        }
        return out + "</div>\n</section>\n"
    }

    private func tops() -> String {
        var out = "<section id=\"top\">\n<h2>Top groups, software and CVEs</h2>\n<div class=\"row\">\n"
        for (caption, table, path) in [("Groups", tally.groups, "groups"), ("Software", tally.software, "software")] {
            out += topTable(caption, ReportTally.ranked(table).prefix(10).map { t in
                (HTMLFormatter.mapping(AdvisorySummary.Mapping(id: t.id, name: t.name), kind: path), t.advisories)
            })
        }
        let cves = tally.cves.sorted { a, b in a.value.count != b.value.count ? a.value.count > b.value.count : a.key < b.key }
        out += topTable("CVEs", cves.prefix(10).map { (HTMLFormatter.escape($0.key), $0.value) })
        return out + "</div>\n</section>\n"
    }

    /// Up to 10 rows of name (an ATT&CK ID linked to its page) and advisory count.
    private func topTable(_ caption: String, _ rows: [(String, [Int])]) -> String {
        var out = "<table class=\"top\"><caption>\(caption)</caption><thead><tr><th>\(caption == "CVEs" ? "CVE" : "Name")</th><th>Advisories</th></tr></thead><tbody>\n"
        if rows.isEmpty { out += "<tr><td colspan=\"2\" class=\"note\">none</td></tr>\n" }
        for (name, numbers) in rows {
            out += "<tr><td>\(name)</td><td class=\"num\">\(numbers.count)</td></tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    private func indicatorTable() -> String {
        var out = "<section id=\"indicators\">\n<h2>Indicators</h2>\n"
        let total = tally.indicators.reduce(0) { $0 + $1.count }
        guard total > 0 else { return out + "<p class=\"note\">No indicators.</p>\n</section>\n" }
        out += "<p class=\"note\">\(total) distinct indicator\(total == 1 ? "" : "s") as cs-enrich found them (refanged, not links): the Value cells are plain text, to copy into a search or a block list.</p>\n"
        out += "<table class=\"ioc\"><thead><tr><th>Type</th><th>Value</th><th>Advisories</th></tr></thead><tbody>\n"
        for (k, kind) in ReportAdvisory.indicatorKinds.enumerated() {
            for (value, numbers) in tally.indicators[k].sorted(by: { $0.key < $1.key }) {
                out += "<tr><td>\(kind)</td><td class=\"v\">\(HTMLFormatter.escape(value))</td><td>"
                out += numbers.map { "<a href=\"#adv-\($0)\">#\($0)</a>" }.joined(separator: " ")
                out += "</td></tr>\n"
            }
        }
        return out + "</tbody></table>\n</section>\n"
    }

    private func footer() -> String {
        var out = "<footer>\n<p>Made by cs-sink from \(tally.count) record\(tally.count == 1 ? "" : "s")"
        if let generatedAt { out += " at \(HTMLFormatter.escape(generatedAt))" }
        out += " from these feeds:</p>\n<ul class=\"sources\">"
        for feed in tally.rankedFeeds.sorted(by: { $0.url != $1.url ? $0.url < $1.url : $0.title < $1.title }) {
            out += "<li>\(HTMLFormatter.escape(feed.title.isEmpty ? "(no feed)" : feed.title))"
            if !feed.url.isEmpty && feed.url != feed.title { out += " <small>\(HTMLFormatter.escape(feed.url))</small>" }
            out += "</li>"
        }
        return out + "</ul>\n</footer>\n</body>\n</html>\n"
    }

    // MARK: an advisory

    private func displayTitle(_ a: ReportAdvisory) -> String {
        HTMLFormatter.escape(TableFormatter.oneLine(a.summary.title.isEmpty ? "(untitled)" : a.summary.title))
    }

    func article(_ a: ReportAdvisory, severity: String, matrix: ReportMatrix) -> String {
        let item = a.summary
        var out = "<article id=\"adv-\(a.number)\">\n<h4><span class=\"sev \(severity)\">\(severity)</span> "
        if let url = item.url, let href = HTMLFormatter.safeHref(url) {
            out += "<a href=\"\(href)\" rel=\"noopener noreferrer\">\(displayTitle(a))</a>"
        } else {
            out += displayTitle(a)
        }
        out += "</h4>\n"
        var facts: [String] = ["#\(a.number)"]
        if !item.publishedDate.isEmpty { facts.append("Published \(HTMLFormatter.escape(item.publishedDate))") }
        if !a.feedTitle.isEmpty { facts.append("Feed: \(HTMLFormatter.escape(a.feedTitle))") }
        if let type = item.type { facts.append("Type: \(HTMLFormatter.escape(type))") }
        if item.exploited == true { facts.append("<strong>Exploited</strong>") }
        for (label, text) in item.priority.facts {
            facts.append(label == "KEV" ? "<strong>KEV</strong>: \(HTMLFormatter.escape(text))" : "\(label) \(HTMLFormatter.escape(text))")
        }
        if !item.cves.isEmpty { facts.append("CVEs: " + item.cves.map(HTMLFormatter.escape).joined(separator: ", ")) }
        let found = zip(ReportAdvisory.indicatorKinds, a.indicators).filter { !$0.1.isEmpty }.map { "\($0.1.count) \($0.0)" }
        if !found.isEmpty { facts.append("<a href=\"#indicators\">Indicators</a>: " + found.joined(separator: ", ")) }
        out += "<p class=\"meta\">" + facts.joined(separator: " · ") + "</p>\n"
        if !a.mappings.isEmpty { out += mappingTable(a.mappings, matrix: matrix) }
        if let summary = item.summary, !summary.isEmpty {
            out += "<blockquote>\(HTMLFormatter.escape(TableFormatter.oneLine(summary)))</blockquote>\n"
        }
        return out + "</article>\n"
    }

    private func mappingTable(_ mappings: [ReportAdvisory.Mapping], matrix: ReportMatrix) -> String {
        var out = "<table class=\"maps\"><thead><tr><th>Mapping</th><th>Name</th><th>Via</th><th>Evidence</th></tr></thead><tbody>\n"
        for m in mappings {
            let path = m.kind == .tactic ? "tactics" : m.kind == .technique ? "techniques" : m.kind == .group ? "groups" : "software"
            var id = HTMLFormatter.mapping(AdvisorySummary.Mapping(id: m.id, name: m.id), kind: path)
            if m.kind == .technique, let anchor = matrix.anchors[m.id.isEmpty ? m.name : m.id] {
                id += " <a href=\"#\(anchor)\" title=\"in the matrix\">↑</a>"
            }
            out += "<tr><td>\(m.kind.rawValue) \(id)</td><td>\(HTMLFormatter.escape(m.name))</td><td class=\"via\">"
            out += m.via.map { "<code>\(HTMLFormatter.escape($0))</code>" }.joined(separator: " ")
            out += "</td><td>"
            if !m.evidence.isEmpty {
                out += "<ol>" + m.evidence.map { e in
                    var item = "<li><q>\(HTMLFormatter.escape(TableFormatter.oneLine(e.text)))</q>"
                    if !e.score.isEmpty { item += " <span class=\"score\">\(HTMLFormatter.escape(e.score))</span>" }
                    if !e.field.isEmpty { item += " <span class=\"field\">\(HTMLFormatter.escape(e.field))</span>" }
                    return item + "</li>"
                }.joined() + "</ol>"
            }
            out += "</td></tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    /// Indices of `advisories` in the `--sort` order: most severe first (unrated last) for
    /// `severity`, then newest first, then input order; `published` newest first; `none` input order.
    private func sortedIndices() -> [Int] {
        if sort == .none { return Array(advisories.indices) }
        let ranks = advisories.map { sort == .severity ? ($0.summary.severity?.rawValue ?? -1) : 0 }
        let dates = advisories.map { Array(($0.summary.published ?? "").utf8) }
        return advisories.indices.sorted { a, b in
            if ranks[a] != ranks[b] { return ranks[a] > ranks[b] }
            if dates[a] != dates[b] { return dates[a].lexicographicallyPrecedes(dates[b]) == false }
            return a < b
        }
    }

    // MARK: text

    /// `Credential Access (TA0006)`, the ID linked to attack.mitre.org when it looks like an ATT&CK ID.
    static func mapping(_ m: AdvisorySummary.Mapping, kind: String) -> String {
        let isAttackID = !m.id.isEmpty && m.id.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "." }
        let idText = isAttackID
            ? "<a href=\"https://attack.mitre.org/\(kind)/\(m.id.replacing(".", with: "/"))/\" rel=\"noopener noreferrer\">\(m.id)</a>"
            : escape(m.id)
        if m.name.isEmpty || m.name == m.id { return idText }
        return "\(escape(m.name)) (\(idText))"
    }

    /// Text for element content and quoted attribute values. Control characters become spaces
    /// (they have no business in HTML text, and the file may well be shown with `cat`), and so do
    /// bidi embeddings, overrides and isolates: feed text must not reorder the text around it
    /// (a right-to-left override turning `exe.txt` into `txt.exe`).
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            if ControlCharacters.isControl(ch) || isBidiControl(ch) { out += " "; continue }
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

    /// U+202A-U+202E (embeddings, overrides), U+2066-U+2069 (isolates), LRM, RLM and ALM.
    static func isBidiControl(_ c: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(c.value) || (0x2066...0x2069).contains(c.value)
            || c.value == 0x200E || c.value == 0x200F || c.value == 0x061C
    }

    /// An http(s) URL made safe for a double-quoted href, or nil for any other scheme
    /// (`javascript:`, `data:` ... never become links).
    static func safeHref(_ url: String) -> String? {
        let trimmed = url.trimmingSpaces
        let lower = trimmed.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return nil }
        guard !trimmed.unicodeScalars.contains(where: { ControlCharacters.isControl($0) || isBidiControl($0) || $0 == " " }) else { return nil }
        return escape(trimmed)
    }
}
