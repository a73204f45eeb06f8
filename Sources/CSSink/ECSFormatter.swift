import CSCore

/// `--format ecs`: one Elastic Common Schema document per record (NDJSON), for Filebeat or an
/// ingest pipeline. ATT&CK goes to `threat.*` (sub-techniques under `threat.technique.subtechnique`,
/// with their parent in `threat.technique`), CVEs to `vulnerability.id`, the severity to
/// `event.severity` (info 1, low 2, medium 3, high 4, critical 5) and `labels.severity`, and the
/// whole record, unchanged, to `cs`.
public enum ECSFormatter {
    public static func severityNumber(_ s: Severity) -> Int { s.rawValue + 1 }

    /// The ECS document for one scanned record, as one line of JSON.
    public static func document(_ line: UnsafeBufferPointer<UInt8>, _ r: RecordScanner, now: String) -> [UInt8] {
        let doc = JSON.object()
        let published = r.value("published")?.string ?? r.value("modified")?.string
        doc.set("@timestamp", .string(published ?? r.value("source")?.member("fetched_at")?.string ?? now))
        let event = JSON.object()
        event.set("kind", .string("enrichment"))
        event.set("category", .strings(["threat"]))
        event.set("type", .strings(["indicator"]))
        event.set("dataset", .string("cs.advisory"))
        event.set("module", .string("cs"))
        if let uid = r.value("uid")?.string { event.set("id", .string(uid)) }
        if let url = r.value("url")?.string { event.set("reference", .string(url)) }
        if let fetched = r.value("source")?.member("fetched_at")?.string { event.set("created", .string(fetched)) }
        let severity = r.value("severity")?.string.flatMap { Severity(parsing: $0) }
        if let severity { event.set("severity", .int(severityNumber(severity))) }
        doc.set("event", event)
        if let title = r.value("title")?.string { doc.set("message", .string(title)) }
        let tags = r.value("tags")?.strings ?? []
        if !tags.isEmpty { doc.set("tags", .strings(tags)) }
        if let severity {
            let labels = JSON.object()
            labels.set("severity", .string(severity.name))
            doc.set("labels", labels)
        }
        if let threat = threat(r) { doc.set("threat", threat) }
        var cves: [String] = []
        for source in [r.value("cves"), r.value("indicators")?.member("cves")] {
            for c in source?.strings ?? [] where !cves.contains(c) { cves.append(c) }
        }
        let priority = PriorityFacts(r)
        if !cves.isEmpty || priority.cvssScore != nil {
            let v = JSON.object()
            if !cves.isEmpty { v.set("id", .strings(cves)) }
            ECSFormatter.setPriority(priority, vulnerability: v, labels: doc)
            doc.set("vulnerability", v)
        } else {
            ECSFormatter.setPriority(priority, vulnerability: nil, labels: doc)
        }
        // The record itself goes in unchanged: spliced in as bytes, not re-serialized.
        var out = doc.serialized(realPrecision: 15)
        out.removeLast()   // the closing brace
        out.append(contentsOf: Array(",\"cs\":".utf8))
        out.append(contentsOf: line)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// `threat.*` when the record carries threat content: ATT&CK mappings or indicators (then also
    /// `threat.feed`); nil for a record with neither.
    static func threat(_ r: RecordScanner) -> JSON? {
        let attack = r.value("attack").flatMap { $0.isObject ? $0 : nil }
        let tactics = AdvisorySummary.mappings(attack?.member("tactics"))
        let techniques = AdvisorySummary.mappings(attack?.member("techniques"))
        let groups = AdvisorySummary.mappings(attack?.member("groups"))
        let software = AdvisorySummary.mappings(attack?.member("software"))
        let indicator = ECSThreatIndicator.indicator(r)
        let mapped = !(tactics.isEmpty && techniques.isEmpty && groups.isEmpty && software.isEmpty)
        guard mapped || indicator != nil else { return nil }
        let threat = JSON.object()
        if mapped { threat.set("framework", .string("MITRE ATT&CK")) }
        if let feed = ECSThreatIndicator.feed(r) { threat.set("feed", feed) }
        if let indicator { threat.set("indicator", indicator) }
        if !tactics.isEmpty {
            threat.set("tactic", list(tactics) { "https://attack.mitre.org/tactics/\($0.id)/" })
        }
        // Parents in threat.technique, sub-techniques in threat.technique.subtechnique; a parent
        // known only through its sub-technique is listed by ID.
        var parents: [AdvisorySummary.Mapping] = []
        var subs: [AdvisorySummary.Mapping] = []
        for t in techniques {
            if let dot = t.id.firstIndex(of: ".") {
                subs.append(t)
                let parentID = String(t.id[..<dot])
                if !parents.contains(where: { $0.id == parentID }) && !techniques.contains(where: { $0.id == parentID }) {
                    parents.append(AdvisorySummary.Mapping(id: parentID, name: ""))
                }
            } else if !parents.contains(where: { $0.id == t.id }) {
                parents.append(t)
            }
        }
        if !parents.isEmpty || !subs.isEmpty {
            let technique = list(parents) { "https://attack.mitre.org/techniques/\($0.id)/" }
            if !subs.isEmpty {
                technique.set("subtechnique", list(subs) { "https://attack.mitre.org/techniques/\($0.id.replacing(".", with: "/"))/" })
            }
            threat.set("technique", technique)
        }
        if !groups.isEmpty { threat.set("group", list(groups) { "https://attack.mitre.org/groups/\($0.id)/" }) }
        if !software.isEmpty { threat.set("software", list(software) { "https://attack.mitre.org/software/\($0.id)/" }) }
        return threat
    }

    /// `{id: [...], name: [...], reference: [...]}` (names only when every entry has one).
    static func list(_ items: [AdvisorySummary.Mapping], reference: (AdvisorySummary.Mapping) -> String) -> JSON {
        let o = JSON.object()
        o.set("id", .strings(items.map(\.id)))
        let names = items.map(\.name).filter { !$0.isEmpty }
        if !names.isEmpty { o.set("name", .strings(names)) }
        o.set("reference", .strings(items.map(reference)))
        return o
    }
}

/// `--format splunk`: Splunk HTTP Event Collector envelopes, one per line
/// (`{"time":..., "source":..., "sourcetype":"cs:advisory", "event": <the record>}`), for
/// `curl --data-binary @file` into `/services/collector/event` or a HEC-speaking forwarder.
/// `time` is the record's published (else modified) date in epoch seconds, when it has one.
public enum SplunkFormatter {
    public static func envelope(_ line: UnsafeBufferPointer<UInt8>, _ r: RecordScanner) -> [UInt8] {
        let head = JSON.object()
        let date = r.value("published")?.string ?? r.value("modified")?.string
        if let date, let epoch = RFC3339.parse(date) { head.set("time", .int(epoch)) }
        if let feed = r.value("source")?.member("feed_url")?.string { head.set("source", .string(feed)) }
        head.set("sourcetype", .string("cs:advisory"))
        var out = head.serialized()
        out.removeLast()
        out.append(contentsOf: Array(",\"event\":".utf8))
        out.append(contentsOf: line)
        out.append(UInt8(ascii: "}"))
        return out
    }
}
