import CSAttack
import CSCore

/// cs-enrich as a stage: read records, enrich each, write them; reject what is not a record.
public enum EnrichStage {
    public static let description = StageDescription(
        name: "cs-enrich",
        summary: "Maps cs.advisory/1 records onto MITRE ATT&CK (tactics, techniques, groups, software), extracts indicators (CVEs, IPs, domains, URLs, hashes, event IDs, Sigma rule titles) and adds priority evidence (CVSS, vendor ratings, CISA KEV, EPSS).",
        inputs: [CSVersion.schema],
        output: CSVersion.schema,
        examples: [
            "cs-normalize feed.json | cs-enrich",
            "cs-enrich --map in-house.map advisories.ndjson",
            "cs-fetch https://feed.example.org/feed.json | cs-enrich | cs-filter --tactic credential-access",
            "cs-enrich --kev known_exploited_vulnerabilities.json --epss epss_scores-current.csv.gz advisories.ndjson",
            "cs-enrich --min-confidence 0.9 advisories.ndjson",
            "cs-enrich --no-model advisories.ndjson",
        ])

    /// The `--describe` object: the common contract plus the ATT&CK release the tables come from.
    public static func describeJSON(_ base: JSON) -> JSON {
        let attack = JSON.object()
        attack.set("version", .string(ATTACK.version))
        attack.set("domain", .string(ATTACK.domain))
        attack.set("tactics", .int(ATTACK.tactics.count))
        attack.set("techniques", .int(ATTACK.techniques.count))
        attack.set("groups", .int(ATTACK.groups.count))
        attack.set("software", .int(ATTACK.software.count))
        attack.set("attribution", .string("ATT&CK is © The MITRE Corporation, reproduced and distributed with its permission under the ATT&CK terms of use."))
        base.set("attack", attack)
        return base
    }

    /// Loads the `--map` files; a bad file is fatal (reported with its file and line).
    public static func loadMaps(_ paths: [String], stage: Stage) -> UserMap {
        var map = UserMap()
        for path in paths {
            do { try map.load(path: path) } catch { stage.fail(error) }
        }
        return map
    }

    /// The technique model: `--model FILE`, else the installed or source-tree copy (ModelLocation);
    /// nil with `--no-model`. A missing or unverifiable file is fatal, naming the file.
    public static func loadModel(path: String?, noModel: Bool, stage: Stage) -> TechniqueModel? {
        if noModel { return nil }
        guard let path = path ?? ModelLocation.find() else {
            stage.fail(StageError(.notFound, "no technique model: looked for \(ModelLocation.candidates().joined(separator: ", ")); give --model FILE, or --no-model to map by IDs, tags and phrases only"))
        }
        do {
            return try TechniqueModel(path: path)
        } catch {
            stage.fail(StageError(error.reason.hasPrefix("No such file") ? .notFound : .dataLoss, error.description))
        }
    }

    /// Enriches every record of `inputs`, then exits with the stage's status policy. The enricher (its
    /// phrase table) is built at the first line, not at start-up. Records are enriched on two threads
    /// (EnrichBatch) unless the output is line-buffered or stdin is a terminal, where each record is written
    /// as soon as its line is read; `threads` 1 keeps one thread (tests compare the two).
    public static func run(stage: Stage, inputs: [String], userMap: UserMap, priorityData: PriorityData? = nil, reassess: Bool = false,
                           model: TechniqueModel? = nil, minConfidence: Double? = nil, threads: Int? = nil) -> Never {
        let makeEnricher = { Enricher(userMap: userMap, priorityData: priorityData, reassess: reassess, model: model, minConfidence: minConfidence) }
        var built: Enricher?
        func enricher() -> Enricher {
            if let built { return built }
            let enricher = makeEnricher()
            for entry in enricher.phrasesOffMatchingNothing {
                stage.diagnostics.warning(.invalidArgument, "\(entry.file):\(entry.line): '\(entry.key)' is no built-in phrase: nothing switched off")
            }
            built = enricher
            return enricher
        }
        let interactive = stage.output.lineBuffered || Terminal.isTerminal(0)
        var twoThreads = (threads ?? (interactive || !EnrichBatch.worthwhile ? 1 : 2)) > 1
        var batch: EnrichBatch?
        let output = stage.output
        stage.onInterrupt { batch?.flush() }
        // An input at a time, its batch written before the next is opened: an input that cannot be opened
        // is reported after the records before it, as on one thread.
        for input in inputs.isEmpty ? ["-"] : inputs {
            defer { batch?.flush() }
            stage.forEachLine(of: [input]) { line, position in
                if twoThreads {
                    if batch == nil { batch = EnrichBatch(stage: stage, local: enricher(), makeEnricher: makeEnricher) }
                    if let batch { batch.add(line.bytes, at: position); return }
                    twoThreads = false   // no second thread could be started: one thread from here on
                }
                let enricher = enricher()
                do throws(EnrichError) {
                    try enricher.enrich(line.bytes) { head, tail in
                        output.write(head)
                        if let tail { output.write(tail) }
                        output.endRecord()
                    }
                    if !enricher.problems.isEmpty { reportProblems(enricher.problems, at: position, id: enricher.lastID, stage: stage) }
                } catch {
                    stage.reject(line.bytes, at: position, error.code, error.message, id: error.id)
                }
            }
        }
        batch?.finish()
        // `--map` lines that switch off no phrase are reported even when no line came.
        if built == nil, !userMap.phrasesOff.isEmpty { _ = enricher() }
        stage.finish()
    }
}
