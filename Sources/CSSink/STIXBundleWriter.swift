import CSAttack
import CSCore

/// `--format stix`: one STIX 2.1 bundle, written as records come. Per advisory: a `report`
/// (published, labels, external references, object_refs), its `indicator`s (STIX patterns), and
/// the `relationship`s between its objects; the objects advisories share (`attack-pattern`,
/// `intrusion-set`, `malware`/`tool`, `vulnerability`, the feed's `identity`) are written once, the
/// first time one is named: only their ids are remembered. The bundle's own id comes last, a digest
/// of every object id, so the same input gives the same bundle byte for byte.
final class STIXBundleWriter {
    private let output: RecordOutput
    private var sharedWritten = Set<String>()
    private var objectCount = 0
    /// Every id written, in order: the bundle's id is named by them.
    private var idDigest: SHA256? = SHA256()

    init(output: RecordOutput) { self.output = output }

    func write(_ a: ExchangeAdvisory) {
        let created = STIXBundleWriter.timestamp(a.firstDate ?? ExchangeAdvisory.unknownDate)
        let modified = STIXBundleWriter.timestamp(a.lastDate ?? ExchangeAdvisory.unknownDate)
        var refs: [String] = []
        let identity = feedIdentity(a, created: created)
        refs.append(identity)

        let patterns = a.techniques.map { attackPattern($0, created: created) }
        let groups = a.groups.map { intrusionSet($0, created: created) }
        let software = a.software.map { softwareObject($0, created: created) }
        let vulnerabilities = a.cves.compactMap { vulnerability($0, created: created) }
        refs += patterns + groups + software + vulnerabilities

        func relate(_ source: String, _ type: String, _ target: String, description: String? = nil) {
            let id = "relationship--" + ExchangeIDs.uuid(uid: a.uid, "relationship:\(source):\(type):\(target)")
            let o = STIXBundleWriter.common("relationship", id, created: created, modified: modified)
            o.set("relationship_type", .string(type))
            if let description { o.set("description", .string(description)) }
            o.set("source_ref", .string(source))
            o.set("target_ref", .string(target))
            emit(o)
            refs.append(id)
        }
        for group in groups {
            for (k, pattern) in patterns.enumerated() {
                relate(group, "uses", pattern, description: STIXBundleWriter.evidence(a.techniques[k], in: a))
            }
            for tool in software { relate(group, "uses", tool) }
            for v in vulnerabilities { relate(group, "targets", v) }
        }
        for indicator in a.indicators {
            let id = "indicator--" + ExchangeIDs.uuid(uid: a.uid, "indicator:\(indicator.kind.rawValue):\(indicator.value)")
            let o = STIXBundleWriter.common("indicator", id, created: created, modified: modified)
            o.set("name", .string(indicator.value))
            o.set("description", .string("\(indicator.kind.rawValue) named in the advisory “\(a.title.isEmpty ? "(untitled)" : a.title)”"))
            o.set("indicator_types", .strings(["malicious-activity"]))
            o.set("pattern", .string(STIXPattern.pattern(indicator)))
            o.set("pattern_type", .string("stix"))
            o.set("valid_from", .string(created))
            emit(o)
            refs.append(id)
            for target in groups + software { relate(id, "indicates", target) }
        }

        let report = STIXBundleWriter.common("report", "report--" + ExchangeIDs.uuid(uid: a.uid, "report"), created: created, modified: modified)
        report.set("created_by_ref", .string(identity))
        report.set("name", .string(a.title.isEmpty ? "(untitled)" : a.title))
        if let summary = a.summary?.trimmingSpaces, !summary.isEmpty { report.set("description", .string(summary)) }
        report.set("report_types", .strings(["threat-report"]))
        report.set("published", .string(created))
        let labels = (a.severity.map { ["severity:" + $0.name] } ?? []) + a.tags.filter { !$0.isEmpty }
        if !labels.isEmpty { report.set("labels", .strings(labels)) }
        let references = JSON.array()
        let own = JSON.object()
        own.set("source_name", .string("cs"))
        own.set("external_id", .string(a.uid))
        references.append(own)
        if let url = a.url, let safe = ExchangeAdvisory.safeURL(url) {
            let link = JSON.object()
            link.set("source_name", .string(a.feedTitle?.trimmingSpaces.isEmpty == false ? a.feedTitle! : "advisory"))
            link.set("url", .string(safe))
            references.append(link)
        }
        report.set("external_references", references)
        report.set("object_refs", .strings(refs))
        emit(report)
    }

    /// Closes the bundle (an empty one has no `objects`: STIX wants that list non-empty).
    func finish() {
        guard let digest = idDigest.take() else { return }   // finished already
        let id = "bundle--" + UUIDv5(namespace: ExchangeIDs.namespace, name: "bundle\n" + SHA256.hexString(digest.finalize())).string
        if objectCount == 0 {
            output.writeRecord(Array("{\"type\":\"bundle\",\"id\":\"\(id)\"}".utf8))
        } else {
            output.writeRecord(Array("],\"id\":\"\(id)\"}".utf8))
        }
    }

    private func emit(_ o: JSON) {
        output.write(objectCount == 0 ? "{\"type\":\"bundle\",\"objects\":[\n" : ",")
        output.writeRecord(o.serialized())
        idDigest?.update(o["id"]?.stringValue ?? "")
        idDigest?.update("\n")
        objectCount += 1
    }

    /// Writes a shared object the first time its id is seen; returns the id either way.
    private func shared(_ type: String, key: String, created: String, fill: (JSON) -> Void) -> String {
        let id = type + "--" + ExchangeIDs.shared(key)
        guard sharedWritten.insert(id).inserted else { return id }
        let o = STIXBundleWriter.common(type, id, created: created, modified: created)
        fill(o)
        emit(o)
        return id
    }

    private func feedIdentity(_ a: ExchangeAdvisory, created: String) -> String {
        let name = [a.feedTitle, a.feedURL, a.homePageURL].compactMap { $0?.trimmingSpaces }.first { !$0.isEmpty } ?? "unknown feed"
        return shared("identity", key: "identity:\(a.feedURL ?? name)", created: created) { o in
            o.set("name", .string(name))
            o.set("identity_class", .string("organization"))
            if let feed = a.feedURL { o.set("description", .string("Advisory feed " + feed)) }
        }
    }

    private func attackPattern(_ t: ExchangeAdvisory.Mapping, created: String) -> String {
        let known = ATTACK.technique(id: t.id)
        let id = known?.id ?? t.id
        return shared("attack-pattern", key: "attack-pattern:\(id)", created: created) { o in
            o.set("name", .string(known?.name ?? t.name))
            o.set("external_references", STIXBundleWriter.mitreReference(id, url: known?.url))
            if let known, !known.tacticShortnames.isEmpty {
                let phases = JSON.array()
                for shortname in known.tacticShortnames {
                    let p = JSON.object()
                    p.set("kill_chain_name", .string("mitre-attack"))
                    p.set("phase_name", .string(shortname))
                    phases.append(p)
                }
                o.set("kill_chain_phases", phases)
            }
        }
    }

    private func intrusionSet(_ g: ExchangeAdvisory.Mapping, created: String) -> String {
        let known = ATTACK.group(id: g.id)
        let id = known?.id ?? g.id
        return shared("intrusion-set", key: "intrusion-set:\(id)", created: created) { o in
            o.set("name", .string(known?.name ?? g.name))
            if let aliases = known?.aliases.filter({ $0 != known?.name }), !aliases.isEmpty { o.set("aliases", .strings(aliases)) }
            o.set("external_references", STIXBundleWriter.mitreReference(id, url: known?.url))
        }
    }

    /// `malware` or `tool` as ATT&CK classifies the software (malware when ATT&CK does not know it).
    private func softwareObject(_ s: ExchangeAdvisory.Mapping, created: String) -> String {
        let known = ATTACK.software(id: s.id) ?? ATTACK.software(named: s.name)
        let id = known?.id ?? s.id
        let type = known?.kind == .tool ? "tool" : "malware"
        return shared(type, key: "\(type):\(id)", created: created) { o in
            o.set("name", .string(known?.name ?? s.name))
            if type == "malware" { o.set("is_family", .bool(true)) }
            if let aliases = known?.aliases.filter({ $0 != known?.name }), !aliases.isEmpty {
                o.set("aliases", .strings(aliases))
            }
            o.set("external_references", STIXBundleWriter.mitreReference(id, url: known?.url))
        }
    }

    private func vulnerability(_ id: String, created: String) -> String? {
        return shared("vulnerability", key: "vulnerability:\(id)", created: created) { o in
            o.set("name", .string(id))
            let ref = JSON.object()
            ref.set("source_name", .string("cve"))
            ref.set("external_id", .string(id))
            ref.set("url", .string("https://www.cve.org/CVERecord?id=\(id)"))
            let refs = JSON.array()
            refs.append(ref)
            o.set("external_references", refs)
        }
    }

    static func common(_ type: String, _ id: String, created: String, modified: String) -> JSON {
        let o = JSON.object()
        o.set("type", .string(type))
        o.set("spec_version", .string("2.1"))
        o.set("id", .string(id))
        o.set("created", .string(created))
        o.set("modified", .string(modified))
        return o
    }

    /// STIX wants `created` and `modified` to the millisecond: `2026-04-22T18:43:05.000Z`.
    static func timestamp(_ rfc3339: String) -> String {
        rfc3339.hasSuffix("Z") && rfc3339.count == 20 ? String(rfc3339.dropLast()) + ".000Z" : rfc3339
    }

    static func mitreReference(_ id: String, url: String?) -> JSON {
        let ref = JSON.object()
        ref.set("source_name", .string("mitre-attack"))
        ref.set("external_id", .string(id))
        if let url { ref.set("url", .string(url)) }
        let refs = JSON.array()
        refs.append(ref)
        return refs
    }

    /// Why the advisory maps the technique, from model evidence when it has any (bounded).
    static func evidence(_ t: ExchangeAdvisory.Mapping, in a: ExchangeAdvisory) -> String? {
        guard !t.evidence.isEmpty else { return nil }
        let text = t.evidence.map { "“" + $0 + "”" }.joined(separator: " ")
        return String(text.prefix(1000))
    }
}
