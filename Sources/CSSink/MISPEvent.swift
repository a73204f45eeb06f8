import CSAttack
import CSCore

/// `--format misp`: one MISP event per advisory in MISP's core format (`{"Event": {...}}`), one per
/// line. Indicators become typed attributes (ip-dst, domain, url, md5, sha1, sha256: `to_ids` true,
/// they are meant for detection; vulnerability and the advisory's link: false), ATT&CK mappings
/// become galaxy tags (`misp-galaxy:mitre-attack-pattern="Brute Force - T1110"`), a `tlp:` tag of
/// the record is kept, and the severity sets the threat level. Uuids and timestamps come from the
/// record (uid, dates), never from the clock, so a rerun gives the same event.
enum MISPEvent {
    /// What the feed's manifest.json and hashes.csv need from an event.
    struct Summary {
        var uuid: String
        /// The manifest entry (info, date, analysis, threat level, timestamp, Orgc, Tag).
        var manifest: JSON
        /// Attribute values, for hashes.csv.
        var values: [String]
    }

    /// MISP's threat levels: 1 high, 2 medium, 3 low, 4 undefined.
    static func threatLevel(_ s: Severity?) -> String {
        switch s {
        case .critical?, .high?: return "1"
        case .medium?: return "2"
        case .low?, .info?: return "3"
        case nil: return "4"
        }
    }

    /// The organisation that created the events.
    static var orgc: JSON {
        let o = JSON.object()
        o.set("name", .string("cs"))
        o.set("uuid", .string(ExchangeIDs.shared("misp-org:cs")))
        return o
    }

    static func event(_ a: ExchangeAdvisory) -> (document: [UInt8], summary: Summary) {
        let uuid = ExchangeIDs.uuid(uid: a.uid, "misp-event")
        let timestamp = String(RFC3339.parse(a.lastDate ?? ExchangeAdvisory.unknownDate) ?? 0)
        let date = String((a.firstDate ?? ExchangeAdvisory.unknownDate).prefix(10))
        let info = MISPEvent.info(a.title)
        let e = JSON.object()
        e.set("uuid", .string(uuid))
        e.set("info", .string(info))
        e.set("date", .string(date))
        e.set("threat_level_id", .string(threatLevel(a.severity)))
        e.set("analysis", .string("2"))        // completed: the advisory is published
        e.set("distribution", .string("0"))    // this organisation only; sharing is the importer's choice
        e.set("published", .bool(false))
        e.set("timestamp", .string(timestamp))
        e.set("Orgc", orgc)

        var values: [String] = []
        let attributes = JSON.array()
        func attribute(_ type: String, _ category: String, _ value: String, toIDs: Bool, comment: String = "") {
            let key = "misp-attribute:\(type):\(value)"
            let at = JSON.object()
            at.set("uuid", .string(ExchangeIDs.uuid(uid: a.uid, key)))
            at.set("type", .string(type))
            at.set("category", .string(category))
            at.set("value", .string(value))
            at.set("to_ids", .bool(toIDs))
            at.set("distribution", .string("5"))   // as the event
            at.set("comment", .string(comment))
            at.set("timestamp", .string(timestamp))
            attributes.append(at)
            values.append(value)
        }
        if let url = a.url.flatMap(ExchangeAdvisory.safeURL) { attribute("link", "External analysis", url, toIDs: false, comment: "the advisory") }
        for i in a.indicators {
            switch i.kind {
            case .ipv4, .ipv6: attribute("ip-dst", "Network activity", i.value, toIDs: true)
            case .domain: attribute("domain", "Network activity", i.value, toIDs: true)
            case .url: attribute("url", "Network activity", i.value, toIDs: true)
            case .md5, .sha1, .sha256: attribute(i.kind.rawValue, "Payload delivery", i.value, toIDs: true)
            }
        }
        for cve in a.cves { attribute("vulnerability", "External analysis", cve, toIDs: false) }
        // Model evidence for a technique: the sentence, with what it supports in the comment.
        for t in a.techniques {
            for text in t.evidence.prefix(3) {
                attribute("text", "Other", String(text.prefix(1000)), toIDs: false, comment: "ATT&CK \(t.id) \(galaxyName(t.name)): evidence")
            }
        }
        e.set("Attribute", attributes)
        let tags = MISPEvent.tags(a)
        e.set("Tag", tags)

        let wrapper = JSON.object()
        wrapper.set("Event", e)

        let manifest = JSON.object()
        manifest.set("Orgc", orgc)
        manifest.set("Tag", tags.deepCopy())
        manifest.set("info", .string(info))
        manifest.set("date", .string(date))
        manifest.set("analysis", .string("2"))
        manifest.set("threat_level_id", .string(threatLevel(a.severity)))
        manifest.set("timestamp", .string(timestamp))
        return (wrapper.serialized(), Summary(uuid: uuid, manifest: manifest, values: values))
    }

    /// The title as the event's info (MISP requires one).
    static func info(_ title: String) -> String {
        let t = ControlCharacters.spaced(title).trimmingSpaces
        return t.isEmpty ? "(untitled advisory)" : t
    }

    static func tags(_ a: ExchangeAdvisory) -> JSON {
        var names: [String] = []
        func add(_ name: String) { if !names.contains(name) { names.append(name) } }
        for t in a.tags {
            // tlp:amber, tlp:amber+strict, tlp-red (tags are canonicalised with '-')
            let lower = t.lowercased()
            for prefix in ["tlp:", "tlp-"] where lower.hasPrefix(prefix) {
                let level = String(lower.dropFirst(prefix.count))
                if ["clear", "white", "green", "amber", "amber+strict", "red"].contains(level) { add("tlp:" + level) }
            }
        }
        for t in a.techniques {
            let known = ATTACK.technique(id: t.id)
            add("misp-galaxy:mitre-attack-pattern=\"\(galaxyName(known?.name ?? t.name)) - \(galaxyName(known?.id ?? t.id))\"")
        }
        for g in a.groups {
            let known = ATTACK.group(id: g.id)
            add("misp-galaxy:mitre-intrusion-set=\"\(galaxyName(known?.name ?? g.name)) - \(galaxyName(known?.id ?? g.id))\"")
        }
        for s in a.software {
            let known = ATTACK.software(id: s.id) ?? ATTACK.software(named: s.name)
            let galaxy = known?.kind == .tool ? "mitre-tool" : "mitre-malware"
            add("misp-galaxy:\(galaxy)=\"\(galaxyName(known?.name ?? s.name)) - \(galaxyName(known?.id ?? s.id))\"")
        }
        let list = JSON.array()
        for name in names {
            let tag = JSON.object()
            tag.set("name", .string(name))
            list.append(tag)
        }
        return list
    }

    /// A name inside a galaxy tag's quotes: no quotes or control characters to end or bend it.
    static func galaxyName(_ s: String) -> String {
        String(String.UnicodeScalarView(ControlCharacters.spaced(s).unicodeScalars.filter { $0 != "\"" && $0 != "\\" })).trimmingSpaces
    }
}
