import CSCore
import CSPosix

/// How matches are delivered, independent of what matches.
public struct FilterRunOptions: Sendable {
    /// Print the number of matching records instead of the records.
    public var count = false
    /// Stop after this many matches (the rest of the input is not read).
    public var limit: Int? = nil
    /// Keep only the first record of each `uid`.
    public var dedupe = false
    /// Pass the valid records that do NOT match.
    public var invert = false
    public init() {}
}

/// cs-filter's read loop: scan each line, reject what is not a cs.advisory/1 record, test the
/// rest, and write matching lines exactly as they were read.
public enum FilterRunner {
    /// Returns the number of records selected (written, or counted with `--count`).
    public static func run(stage: Stage, inputs: [String], filter: RecordFilter, options: FilterRunOptions) -> Int {
        let scanner = RecordScanner()
        var selected = 0
        var seen = Set<[UInt8]>()
        var unrated = UnratedCount(watching: filter.watchesUnrated && !options.invert)
        let output = stage.output
        if let limit = options.limit, limit <= 0 { return finishCount(stage, options, 0) }

        stage.forEachRecord(of: inputs, scanner: scanner) { line, scanner, _ in
            unrated.count(scanner)
            let matched = filter.matches(scanner)
            // A stop signal cuts a long regex match short, leaving `matched` meaningless: stop here
            // (the lines before were written; this one is neither written nor counted).
            let signal = cs_stop_signal()
            if signal != 0 { stage.interrupted(signal) }
            guard matched != options.invert else { return }
            if options.dedupe, let uid = scanner.value("uid"), let (content, _) = uid.stringContent {
                // Records without a uid cannot be recognised as repeats and always pass.
                guard seen.insert(Array(content)).inserted else { return }
            }
            selected += 1
            if !options.count { output.writeRecord(line.bytes) }
            if let limit = options.limit, selected >= limit {
                _ = finishCount(stage, options, selected)
                stage.finish(noMatch: false)
            }
        }
        if selected == 0 { unrated.warn(stage) }
        return finishCount(stage, options, selected)
    }

    private static func finishCount(_ stage: Stage, _ options: FilterRunOptions, _ n: Int) -> Int {
        if options.count { stage.output.write("\(n)\n") }
        return n
    }
}

public enum FilterLibrary {
    public static let description = StageDescription(
        name: "cs-filter",
        summary: "Selects cs.advisory/1 records by severity, tags, ATT&CK tactic and technique, CVE, vendor, product, actor, type, dates, text or a --where expression; matching records leave byte for byte as they came.",
        inputs: ["cs.advisory/1"],
        output: "cs.advisory/1",
        examples: [
            "cs-enrich < advisories.ndjson | cs-filter --sev high",
            "cs-filter --tactic credential_access --since 7d advisories.ndjson",
            "cs-filter --where 'severity >= high and (tags has \"persistence\" or attack.tactics has \"TA0006\")'",
        ])
}
