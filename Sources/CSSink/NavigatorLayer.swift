import CSAttack
import CSCore

/// `--format navigator`: an ATT&CK Navigator layer (layer format 4.5, domain enterprise-attack)
/// scoring each technique by how many advisories map to it, with their titles as the comment, a
/// gradient and a legend. Only the counts and a bounded list of titles per technique are held.
/// A technique that belongs to several tactics gets one entry per tactic (Navigator shows a cell
/// per tactic column); a parent whose sub-techniques are scored is shown expanded.
final class NavigatorLayer {
    /// Titles kept per technique for its comment, and the length each is cut to.
    static let titlesPerTechnique = 10
    static let titleLength = 120

    private struct Tally {
        var count = 0
        var titles: [String] = []
    }
    private var tallies: [String: Tally] = [:]
    private var advisories = 0
    private let name: String

    init(name: String) { self.name = name }

    func add(_ a: ExchangeAdvisory) {
        advisories += 1
        let title = NavigatorLayer.clean(a.title.isEmpty ? "(untitled)" : a.title)
        for t in a.techniques {
            let id = (ATTACK.technique(id: t.id)?.id ?? t.id)
            guard NavigatorLayer.isTechniqueID(id) else { continue }
            var tally = tallies[id] ?? Tally()
            tally.count += 1
            if tally.titles.count < NavigatorLayer.titlesPerTechnique { tally.titles.append(title) }
            tallies[id] = tally
        }
    }

    /// The layer as one JSON document (keys in a fixed order, techniques sorted by ID and tactic).
    func document() -> [UInt8] {
        let layer = JSON.object()
        layer.set("name", .string(name))
        let versions = JSON.object()
        versions.set("attack", .string(String(ATTACK.version.prefix { $0 != "." })))
        versions.set("navigator", .string("5.1.0"))
        versions.set("layer", .string("4.5"))
        layer.set("versions", versions)
        layer.set("domain", .string("enterprise-attack"))
        layer.set("description", .string("ATT&CK techniques scored by how many of \(advisories) advisor\(advisories == 1 ? "y maps" : "ies map") to them (cs-sink --format navigator); comments list their titles."))
        layer.set("sorting", .int(3))   // descending by score
        let layout = JSON.object()
        layout.set("layout", .string("side"))
        layout.set("aggregateFunction", .string("max"))
        layout.set("showID", .bool(true))
        layout.set("showName", .bool(true))
        layout.set("showAggregateScores", .bool(false))
        layout.set("countUnscored", .bool(false))
        layout.set("expandedSubtechniques", .string("annotated"))
        layer.set("layout", layout)
        layer.set("hideDisabled", .bool(false))

        let techniques = JSON.array()
        let scoredParents = Set(tallies.keys.filter { $0.contains(".") }.map { String($0.prefix { $0 != "." }) })
        for id in Set(tallies.keys).union(scoredParents).sorted() {
            let tally = tallies[id]
            let tactics = ATTACK.technique(id: id)?.tacticShortnames ?? []
            for tactic in tactics.isEmpty ? [nil] : tactics.map(Optional.some) {
                let entry = JSON.object()
                entry.set("techniqueID", .string(id))
                if let tactic { entry.set("tactic", .string(tactic)) }
                if let tally {
                    entry.set("score", .int(tally.count))
                    entry.set("comment", .string(NavigatorLayer.comment(tally.count, tally.titles)))
                }
                entry.set("enabled", .bool(true))
                entry.set("showSubtechniques", .bool(scoredParents.contains(id)))
                techniques.append(entry)
            }
        }
        layer.set("techniques", techniques)

        let top = max(1, tallies.values.map(\.count).max() ?? 1)
        let gradient = JSON.object()
        gradient.set("colors", .strings([NavigatorLayer.low, NavigatorLayer.high]))
        gradient.set("minValue", .int(0))
        gradient.set("maxValue", .int(top))
        layer.set("gradient", gradient)
        let legend = JSON.array()
        for (label, color) in [("1 advisory", NavigatorLayer.low), ("\(top) advisor\(top == 1 ? "y" : "ies")", NavigatorLayer.high)] where top > 1 || color == NavigatorLayer.high {
            let item = JSON.object()
            item.set("label", .string(label))
            item.set("color", .string(color))
            legend.append(item)
        }
        layer.set("legendItems", legend)
        layer.set("showTacticRowBackground", .bool(false))
        layer.set("tacticRowBackground", .string("#dddddd"))
        layer.set("selectTechniquesAcrossTactics", .bool(true))
        layer.set("selectSubtechniquesWithParent", .bool(false))
        layer.set("selectVisibleTechniques", .bool(false))
        return layer.serialized()
    }

    static let low = "#fde0dd"
    static let high = "#c51b8a"

    /// `3 advisories: A; B; C` (the first titles, then how many more).
    static func comment(_ count: Int, _ titles: [String]) -> String {
        var text = "\(count) advisor\(count == 1 ? "y" : "ies"): " + titles.joined(separator: "; ")
        if count > titles.count { text += "; and \(count - titles.count) more" }
        return text
    }

    /// At most `titleLength` characters (the title is already one plain line: ExchangeAdvisory.plain).
    static func clean(_ title: String) -> String {
        let out = title
        return out.count > titleLength ? String(out.prefix(titleLength - 1)) + "…" : out
    }

    static func isTechniqueID(_ id: String) -> Bool {
        let u = Array(id.utf8)
        guard u.count >= 5, u[0] == UInt8(ascii: "T") else { return false }
        return u.dropFirst().allSatisfy { ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: ".") }
    }
}
