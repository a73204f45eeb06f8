#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ArgumentParser
import CSAttack
import CSCommandLine
import CSCore
import CSFilter

@main
struct FilterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cs-filter",
        abstract: "Select cs.advisory/1 records; matching records leave byte for byte as they came.",
        discussion: """
            Different flags AND together; a repeated flag ORs its values; each --not-* flag drops records matching any of its values. Tags, vendors, products, actors, types and tactic names compare in canonical form (Entra ID = entra_id = entra-id).

            SEVERITY: --sev high = high and above; =high = exactly high; medium..high = that range; ..low = low and below. Records without a severity are left out unless --include-unrated is given.

            --where EXPR: tests PATH [OP VALUE] joined with and, or, not and parentheses.
              == != < <= > >=  severities order by level; dates compare as RFC 3339
              has              list membership (canonical; objects by id or name),
                               or a case-insensitive substring of a string
              =~ !~            extended regex, case-insensitive
              PATH alone       the field is set (not null, false or empty)
            Arrays along a PATH are searched element by element.

            Lines that are not JSON objects, or not cs.advisory/1 records, are reported with their line number and counted (exit 2). Otherwise the exit status is 0, even when nothing matched, unless -e/--exit-status is given (exit 1 when nothing matched).

            EXAMPLES:
              cs-enrich < advisories.ndjson | cs-filter --sev high
              cs-filter --sev medium..high --include-unrated advisories.ndjson
              cs-filter --tactic credential_access --technique T1110 --since 7d
              cs-filter --cve CVE-2024-3400 --exploited --count
              cs-filter --grep 'password spray(ing)?' --not-tag test
              cs-filter --where 'severity >= high and
                  (tags has "persistence" or attack.tactics has "TA0006")'
              cs-filter --dedupe --limit 20 -e day1.ndjson day2.ndjson
              cs-filter --technique T1105 --min-confidence 0.8
              cs-filter --where 'attack.techniques.evidence.score >= 0.9'
            """,
        version: CSVersion.string)

    static func main() { StageMain.run(Self.self, attackVersion: ATTACK.version) }

    @OptionGroup var common: StageOptions

    @Argument(help: "Input files ('-' for stdin; default stdin).")
    var inputs: [String] = []

    @Option(name: .customLong("sev"), help: ArgumentHelp("Severity: LEVEL (and above), =LEVEL, LOW..HIGH, ..LEVEL. Repeat = OR.", valueName: "spec"))
    var sev: [String] = []
    @Flag(name: .customLong("include-unrated"), help: "With --sev, also keep records without a severity.")
    var includeUnrated = false

    @Option(name: .customLong("tag"), help: ArgumentHelp("Records carrying this tag (canonical compare). Repeat = OR.", valueName: "tag"))
    var tag: [String] = []
    @Option(name: .customLong("not-tag"), help: ArgumentHelp("Drop records carrying this tag.", valueName: "tag"))
    var notTag: [String] = []
    @Option(name: .customLong("tactic"), help: ArgumentHelp("ATT&CK tactic by ID (TA0006) or name in any spelling (credential_access).", valueName: "tactic"))
    var tactic: [String] = []
    @Option(name: .customLong("not-tactic"), help: ArgumentHelp("Drop records mapped to this tactic.", valueName: "tactic"))
    var notTactic: [String] = []
    @Option(name: .customLong("technique"), help: ArgumentHelp("ATT&CK technique ID (T1110 also matches T1110.003) or name.", valueName: "technique"))
    var technique: [String] = []
    @Option(name: .customLong("not-technique"), help: ArgumentHelp("Drop records mapped to this technique.", valueName: "technique"))
    var notTechnique: [String] = []
    @Option(name: .customLong("min-confidence"), help: ArgumentHelp("With --technique/--tactic: a technique only a model mapped (via model:SCORE) counts when SCORE is at least this (0-1).", valueName: "score"))
    var minConfidence: Double?
    @Option(name: .customLong("cve"), help: ArgumentHelp("Records naming this CVE (cves or indicators.cves).", valueName: "id"))
    var cve: [String] = []
    @Option(name: .customLong("not-cve"), help: ArgumentHelp("Drop records naming this CVE.", valueName: "id"))
    var notCve: [String] = []
    @Option(name: .customLong("vendor"), help: ArgumentHelp("Records naming this vendor.", valueName: "name"))
    var vendor: [String] = []
    @Option(name: .customLong("not-vendor"), help: ArgumentHelp("Drop records naming this vendor.", valueName: "name"))
    var notVendor: [String] = []
    @Option(name: .customLong("product"), help: ArgumentHelp("Records naming this product.", valueName: "name"))
    var product: [String] = []
    @Option(name: .customLong("not-product"), help: ArgumentHelp("Drop records naming this product.", valueName: "name"))
    var notProduct: [String] = []
    @Option(name: .customLong("actor"), help: ArgumentHelp("Records naming this actor (actors, or attack.groups name/ID).", valueName: "name"))
    var actor: [String] = []
    @Option(name: .customLong("not-actor"), help: ArgumentHelp("Drop records naming this actor.", valueName: "name"))
    var notActor: [String] = []
    @Option(name: .customLong("type"), help: ArgumentHelp("Records of this type (advisory, ...).", valueName: "type"))
    var type: [String] = []
    @Option(name: .customLong("not-type"), help: ArgumentHelp("Drop records of this type.", valueName: "type"))
    var notType: [String] = []
    @Flag(name: .customLong("kev"), help: "Records with a CVE in CISA's Known Exploited Vulnerabilities catalog (priority.kev, from cs-enrich --kev).")
    var kev = false
    @Option(name: .customLong("epss-min"), help: ArgumentHelp("Records whose highest EPSS score (priority.epss_score) is at least this probability (0-1).", valueName: "p"))
    var epssMin: Double?
    @Option(name: .customLong("cvss-min"), help: ArgumentHelp("Records whose highest CVSS score (priority.cvss_score) is at least this (0.0-10.0).", valueName: "score"))
    var cvssMin: Double?

    @Flag(name: .customLong("exploited"), help: "Records marked exploited (exploited = true).")
    var exploited = false
    @Flag(name: .customLong("not-exploited"), help: "Records not marked exploited (false or unknown).")
    var notExploited = false
    @Option(name: .customLong("since"), help: ArgumentHelp("Dated at or after: a duration back from now (7d, 24h, 30m) or a date (2026-04-01, RFC 3339).", valueName: "when"))
    var since: String?
    @Option(name: .customLong("until"), help: ArgumentHelp("Dated before this (a plain date includes that whole day).", valueName: "when"))
    var until: String?
    @Option(name: .customLong("date-field"), help: ArgumentHelp("The date --since/--until compare: published, modified, or updated (modified, else published).", valueName: "field"))
    var dateField = "published"
    @Option(name: .customLong("grep"), help: ArgumentHelp("Extended regex searched in title, summary and content_text (case-insensitive).", valueName: "regex"))
    var grep: [String] = []
    @Option(name: .customLong("not-grep"), help: ArgumentHelp("Drop records whose text matches.", valueName: "regex"))
    var notGrep: [String] = []
    @Flag(name: .customLong("case-sensitive"), help: "Make --grep case-sensitive.")
    var caseSensitive = false
    @Option(name: .customLong("where"), help: ArgumentHelp("An expression over record fields (see below). Repeat = AND.", valueName: "expr"))
    var wheres: [String] = []

    @Flag(name: .customLong("count"), help: "Print the number of matching records instead of the records.")
    var count = false
    @Option(name: .customLong("limit"), help: ArgumentHelp("Stop after N matching records.", valueName: "n"))
    var limit: Int?
    @Flag(name: .customLong("dedupe"), help: "Pass only the first record of each uid.")
    var dedupe = false
    @Flag(name: [.customLong("invert"), .customShort("v")], help: "Pass the valid records that do not match.")
    var invert = false
    @Flag(name: [.customShort("e"), .customLong("exit-status")], help: "Exit 1 when no record was selected.")
    var exitStatus = false

    mutating func validate() throws {
        if exploited && notExploited { throw ValidationError("--exploited and --not-exploited exclude each other") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    mutating func run() throws {
        if common.describe { print(FilterLibrary.description.json(for: Self.self).text); return }
        var spec = FilterSpec()
        spec.severities = sev
        spec.includeUnrated = includeUnrated
        spec.tags = tag; spec.notTags = notTag
        spec.tactics = tactic; spec.notTactics = notTactic
        spec.techniques = technique; spec.notTechniques = notTechnique
        spec.minConfidence = minConfidence
        spec.cves = cve; spec.notCves = notCve
        spec.vendors = vendor; spec.notVendors = notVendor
        spec.products = product; spec.notProducts = notProduct
        spec.actors = actor; spec.notActors = notActor
        spec.types = type; spec.notTypes = notType
        spec.exploited = exploited ? true : (notExploited ? false : nil)
        spec.since = since; spec.until = until; spec.dateField = dateField
        spec.grep = grep; spec.notGrep = notGrep; spec.grepCaseSensitive = caseSensitive
        spec.wheres = wheres
        spec.kev = kev; spec.epssMin = epssMin; spec.cvssMin = cvssMin
        let filter: RecordFilter
        do {
            filter = try RecordFilter(spec, now: Int(time(nil)))
        } catch {
            throw ValidationError(error.message)
        }
        var options = FilterRunOptions()
        options.count = count
        options.limit = limit
        options.dedupe = dedupe
        options.invert = invert
        let stage = Stage(name: "cs-filter", options: common)
        let selected = FilterRunner.run(stage: stage, inputs: inputs, filter: filter, options: options)
        stage.finish(noMatch: exitStatus && selected == 0)
    }
}
