import CSAttack

/// The report's ATT&CK Enterprise matrix: the tactics as columns in the matrix's order, under each
/// the techniques that some advisory maps to (not all ~700: a matrix of what the feeds talk about
/// reads better and stays small at 10,000 records), shaded by how many advisories map to them, each
/// cell linking to the list of those advisories further down the page.
struct ReportMatrix {
    /// Tactic shortnames in the order ATT&CK's Enterprise matrix shows them (its `tactic_refs`);
    /// CSAttack's table is in ID order. A tactic CSAttack has that is not here goes last.
    static let columnOrder = [
        "reconnaissance", "resource-development", "initial-access", "execution", "persistence",
        "privilege-escalation", "defense-evasion", "credential-access", "discovery", "lateral-movement",
        "collection", "command-and-control", "exfiltration", "impact",
    ]

    static var columns: [Tactic] {
        let ordered = columnOrder.compactMap { ATTACK.tactic(shortname: $0) }
        return ordered + ATTACK.tactics.filter { t in !ordered.contains { $0.id == t.id } }
    }

    struct Cell {
        var technique: ReportTally.Named
        var name: String
        var anchor: String
    }

    /// Techniques, most advisories first, then by ID.
    let ranked: [ReportTally.Named]
    /// Per technique key (ID, else name), its anchor in the page (`tech-T1059.001`).
    let anchors: [String: String]
    let highest: Int

    init(_ techniques: [String: ReportTally.Named]) {
        ranked = ReportTally.ranked(techniques)
        var anchors: [String: String] = [:]
        for (i, t) in ranked.enumerated() {
            let safe = !t.id.isEmpty && t.id.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." }
            anchors[t.id.isEmpty ? t.name : t.id] = safe ? "tech-" + t.id : "tech-\(i + 1)"
        }
        self.anchors = anchors
        highest = ranked.first?.advisories.count ?? 0
    }

    func anchor(_ t: ReportTally.Named) -> String { anchors[t.id.isEmpty ? t.name : t.id] ?? "" }

    /// Shade 1 (few) to 5 (the most mapped technique), relative to the most mapped one.
    func level(_ count: Int) -> Int { max(1, min(5, (5 * count + highest - 1) / max(1, highest))) }

    /// The matrix as HTML: a grid of tactic columns, then a column for techniques with no known tactic.
    func html() -> String {
        let tactics = ReportMatrix.columns
        var byTactic = [[Cell]](repeating: [], count: tactics.count)
        var unplaced: [Cell] = []
        for t in ranked {
            let (name, tacticIDs) = ReportTally.placement(t)
            let cell = Cell(technique: t, name: name, anchor: anchor(t))
            var placed = false
            for (i, tactic) in tactics.enumerated() where tacticIDs.contains(tactic.id) {
                byTactic[i].append(cell)
                placed = true
            }
            if !placed { unplaced.append(cell) }
        }
        var out = "<div class=\"matrix\">\n"
        for (i, tactic) in tactics.enumerated() {
            out += column(title: tactic.name, id: tactic.id, cells: byTactic[i])
        }
        if !unplaced.isEmpty { out += column(title: "Other", id: "no known tactic", cells: unplaced) }
        return out + "</div>\n"
    }

    private func column(title: String, id: String, cells: [Cell]) -> String {
        var out = "<section class=\"tactic\"><h3>\(HTMLFormatter.escape(title)) <small>\(HTMLFormatter.escape(id))</small></h3>"
        if cells.isEmpty { return out + "<p class=\"empty\">none</p></section>\n" }
        out += "<ol>"
        for c in cells {
            let count = c.technique.advisories.count
            let id = HTMLFormatter.escape(c.technique.id), name = HTMLFormatter.escape(c.name)
            out += "<li><a class=\"cell l\(level(count))\" href=\"#\(c.anchor)\" title=\"\(id) \(name): \(count) advisor\(count == 1 ? "y" : "ies")\">"
            out += "<span><span class=\"tid\">\(id)</span> \(name)</span> <span class=\"n\">\(count)</span></a></li>"
        }
        return out + "</ol></section>\n"
    }
}
