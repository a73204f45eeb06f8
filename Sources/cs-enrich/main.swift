import ArgumentParser
import CSAttack
import CSCommandLine
import CSCore
import CSEnrich

@main
struct EnrichCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cs-enrich",
        abstract: "Map advisory records onto MITRE ATT&CK and extract indicators.",
        discussion: """
            Reads cs.advisory/1 records (NDJSON) and writes each with two members added. Records are otherwise unchanged (the input bytes, then the new members); a record that already has them gets them replaced, so enriching twice gives the same result. Lines that are not JSON objects or not cs.advisory/1 records are reported with their line number and skipped (exit status 2). Into a pipe or file, records are enriched on two threads, a batch of lines at a time, and written in input order; with --line-buffered (or a terminal) one thread writes each record as soon as its line is read.

            attack: {version, tactics, techniques, groups, software}. Every mapping has "via", where it came from: "tag:credential-access", "text:T1110.003", "phrase:password spraying", "actor:APT29", "technique:T1110" (a tactic that a single-tactic technique implies), "map:impossible-travel" (a --map entry: the record's tag, or the phrase as the file writes it). Revoked or deprecated objects named by ID carry "revoked"/"deprecated": true.

            indicators: {cves, ipv4, ipv6, domains, urls, md5, sha1, sha256, event_ids, sigma_rules}, from the text of the title, summary (its HTML tags and attributes left out) and content_text, with defanged forms (hxxp, [.], (.), [:]) refanged. Links to the advisory's own site (the hosts of url, source.home_page_url and source.feed_url), to references (attack.mitre.org, nvd.nist.gov, cve.org, github.com/advisories...) and XML namespaces (www.w3.org...) are not indicators unless written defanged. cves also takes the record's own cves; event_ids holds Windows and Sysmon event IDs and sign-in error codes named as such ("Event ID 4688", "error code 50053").

            priority: {feed_severity, severity_via, cvss_score, epss_score, cvss, ratings, kev, epss}. CVSS vectors (v2, v3.0, v3.1, v4.0) and written scores ("CVSS 9.8"), vendor ratings ("severity: critical", "[Important]", a "high-severity" category), CISA KEV entries and EPSS scores of the record's CVEs, each with "via". A null severity is filled from this evidence (scores by CVSS's ranges: 0.1-3.9 low, 4.0-6.9 medium, 7.0-8.9 high, 9.0-10.0 critical; a KEV listing means at least high) and severity_via says why; a severity the feed stated is kept unless --reassess. exploited becomes true for a KEV-listed CVE where the feed said nothing. Malformed vectors, out-of-range scores and contradictory ratings are reported as warnings and not used.

            DATA: --kev and --epss name the files; otherwise kev.json and epss.csv.gz are read from --data-dir (default $XDG_DATA_HOME/cs), where `make data` downloads them. Data more than a week old gets a warning.

            MAPPING FILES (--map FILE, repeatable): one mapping per line, '#' starts a comment. A tag listed in a file replaces cs-enrich's own mapping of that tag. IDs are tactics (TA...), techniques (T...), groups (G...) or software (S...) and must exist in ATT&CK; an error names the file and line and stops the stage (exit status 3).
              impossible-travel  = T1078.004, TA0001
              tag:golden_saml    = T1606.002
              phrase:golden SAML = T1606.002
              brute-force        =            (turns the built-in mapping of the tag off)
              phrase:phishing    =            (the words no longer map)

            TECHNIQUE MODEL: a classifier trained on ATT&CK's own text (procedure examples, technique descriptions) scores each sentence of title, summary, content_text and sections. A technique whose sentence reaches the threshold (chosen for precision 0.8 on held-out procedure examples; --min-confidence sets another) gets via "model:0.93" (the best sentence's calibrated score) and "evidence": up to three {text, score, field}, best first. Hedged or negated sentences ("potentially", "may", "could", "no evidence of", "does not", "unlike", "not observed") weigh half for the model and yield no phrase matches; IDs written in the text and tags stay exact. The model is --model FILE, else technique-model.bin in <bindir>/../share/cs, else the source tree; a missing or damaged file stops the stage (exit status 3) naming it; --no-model loads none.

            EXAMPLES:
              cs-normalize feed.json | cs-enrich | jq -c '.attack.techniques[]'
              cs-enrich advisories.ndjson | jq -c '.attack.techniques[] | select(.evidence) | {id, via, evidence}'
              cs-enrich --min-confidence 0.9 advisories.ndjson
              cs-enrich --no-model advisories.ndjson
              cs-enrich --map in-house.map advisories.ndjson > enriched.ndjson
              cs-fetch https://feed.example.org/feed.json | cs-enrich
              cs-enrich --kev known_exploited_vulnerabilities.json --epss epss_scores-current.csv.gz advisories.ndjson | cs-filter --sev high

            ATT&CK is © The MITRE Corporation, reproduced and distributed with its permission under the ATT&CK terms of use.
            """,
        version: CSVersion.string)

    static func main() { StageMain.run(Self.self, attackVersion: ATTACK.version) }

    @OptionGroup var common: StageOptions

    @Option(name: .customLong("map"), help: ArgumentHelp("Add or override mappings from this file (see the format below); repeatable.", valueName: "file"))
    var maps: [String] = []

    @Option(name: .customLong("kev"), help: ArgumentHelp("CISA's Known Exploited Vulnerabilities catalog (its JSON); default: kev.json in the data directory.", valueName: "file"))
    var kev: String?

    @Option(name: .customLong("epss"), help: ArgumentHelp("FIRST's daily EPSS scores (CSV, plain or gzip); default: epss.csv.gz in the data directory.", valueName: "file"))
    var epss: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Where `make data` keeps kev.json and epss.csv.gz (default $XDG_DATA_HOME/cs, else ~/.local/share/cs).", valueName: "dir"))
    var dataDir: String?

    @Flag(name: .customLong("reassess"), help: "Let evidence (CVSS, ratings, KEV) raise a severity the feed stated; without it, evidence only fills a null severity.")
    var reassess = false

    @Option(name: .customLong("model"), help: ArgumentHelp("The technique model (default: technique-model.bin in <bindir>/../share/cs, else the source tree).", valueName: "file"))
    var model: String?

    @Flag(name: .customLong("no-model"), help: "Load no technique model: techniques come from IDs, tags and phrases only.")
    var noModel = false

    @Option(name: .customLong("min-confidence"), help: ArgumentHelp("The calibrated score (0-1) a sentence needs for the model to report its technique (default: the model's threshold, chosen for precision 0.8 on held-out ATT&CK procedure examples).", valueName: "score"))
    var minConfidence: Double?

    @Argument(help: "Input files ('-' for stdin; default stdin).")
    var inputs: [String] = []

    mutating func run() throws {
        if common.describe {
            print(EnrichStage.describeJSON(EnrichStage.description.json(for: Self.self)).text)
            return
        }
        if let m = minConfidence, !(m > 0 && m <= 1) {
            throw ValidationError("--min-confidence must be a score above 0 and at most 1, not \(m)")
        }
        if noModel && model != nil { throw ValidationError("--model and --no-model exclude each other") }
        let stage = Stage(name: "cs-enrich", options: common)
        let userMap = EnrichStage.loadMaps(maps, stage: stage)
        let data = EnrichStage.loadPriorityData(kev: kev, epss: epss, dataDir: dataDir, stage: stage)
        let techniqueModel = EnrichStage.loadModel(path: model, noModel: noModel, stage: stage)
        EnrichStage.run(stage: stage, inputs: inputs, userMap: userMap, priorityData: data, reassess: reassess,
                        model: techniqueModel, minConfidence: minConfidence)
    }
}
