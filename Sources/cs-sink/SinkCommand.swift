import ArgumentParser
import CSCommandLine
import CSCore
import CSSink

@main
struct SinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cs-sink",
        abstract: "Deliver cs.advisory/1 records to a terminal, a file, SQLite, a webhook, Splunk HEC, Elasticsearch or syslog.",
        discussion: """
            FORMATS (--format):
              ndjson    records unchanged, byte for byte (default)
              json      one JSON array of the records
              csv, tsv  one row per record with --fields (csv: RFC 4180); a cell a
                        spreadsheet would run as a formula (= + - @ tab CR first)
                        gets a leading single quote
              table     aligned columns (severity, published, title, tactics;
                        techniques with their best model score when some carry
                        one), sorted by --sort, severity in colour on a terminal
                        (NO_COLOR or --color never turn it off), as wide as the
                        terminal (else COLUMNS, else 100; --width overrides)
              markdown  a digest grouped by severity with tactics, techniques,
                        CVEs and links; a technique a model mapped shows its via
                        and its best evidence sentence
              html      a report in one self-contained HTML file: counts by
                        severity and feed, a severity-over-time chart, the ATT&CK
                        matrix linking to the advisories, top groups, software
                        and CVEs, each advisory with its mappings, their via and
                        evidence, an indicator table (inline CSS and SVG, no
                        scripts, no remote loads, feed text escaped, http(s)
                        links only; --report-time adds when it was made)
              ecs       Elastic Common Schema documents, one per line (threat.*,
                        vulnerability.id, event.severity 1-5, the record in cs)
              splunk    Splunk HEC event envelopes, one per line
              navigator an ATT&CK Navigator layer (format 4.5, enterprise-attack):
                        techniques scored by how many advisories map to them,
                        their titles in the comments (--title names the layer)
              stix      a STIX 2.1 bundle: a report per advisory, attack-pattern,
                        intrusion-set, malware/tool, vulnerability, indicator
                        (STIX patterns) and relationship objects; ids are UUIDv5
                        from the record's uid, so a rerun updates, not duplicates
              misp      a MISP event per advisory ({"Event": ...}), one per line:
                        typed attributes, ATT&CK galaxy tags, threat level from
                        severity; with --to DIR a MISP feed folder (one
                        <uuid>.json per event, manifest.json, hashes.csv, merged
                        with the feed already there)

            DESTINATIONS (--to):
              (none), -     stdout
              FILE          record lines appended, each whole in one write(2);
                            --rotate SIZE --keep N move it aside to FILE.1..N;
                            documents (json, table, markdown, html, csv/tsv
                            with a header, navigator, stix) replace the file
                            atomically
              DIR           --format misp: a MISP feed folder
              sqlite:PATH   table 'advisories' keyed by uid, upserted (reruns leave
                            the same rows); columns uid, id, severity,
                            severity_rank, published, modified, title, url, type,
                            exploited, feed_url, record (the JSON), ingested_at
              http(s)://URL webhook: one JSON object per POST (--format ndjson,
                            ecs or splunk); with --batch N a JSON array per POST
              splunk-hec+https://HOST:PORT
                            Splunk HTTP Event Collector (/services/collector/event,
                            token from --token-env or --token-file)
              elastic+https://HOST:PORT/INDEX
                            Elasticsearch _bulk with ECS documents, _id = uid
                            (--token-env: ApiKey; or --header-env Authorization=VAR)
              syslog+udp://HOST:PORT, syslog+tcp://HOST:PORT
                            RFC 5424 with structured data [cs@32473 id uid severity
                            tactics ...]; TCP frames are octet-counted (RFC 6587)
              redis://[USER@]HOST[:PORT][/DB]/STREAM
                            Redis Streams: XADD with the field 'record' (the line
                            unchanged), pipelined batches (default 500), --maxlen
                            ~N trims; password from --password-env VAR, never in
                            the URL; rediss:// (TLS) is not supported (hiredis 0.14)

            DELIVERY (network destinations): batches of --batch records leave when
            full, when --flush-interval seconds old (even if input is idle), at the
            end and on SIGINT/SIGTERM. Connection errors, timeouts, 408, 429 and 5xx
            are retried --retries times with exponential backoff and jitter,
            honouring Retry-After. A record refused or still failing is reported
            with its id and kept verbatim in --dead-letter; the exit status is then 2.

            Lines that are not JSON objects or not cs.advisory/1 records are reported with their line number and counted (exit 2). table, markdown and html collect every record (what they show of it) before printing; the other formats stream.

            EXAMPLES:
              cs-enrich < advisories.ndjson | cs-filter --sev high | cs-sink --format table
              cs-sink --to /var/log/cs/advisories.ndjson < advisories.ndjson
              cs-sink --format csv --fields severity,published,title,url,tactics
              cs-sink --format csv --fields title,techniques,evidence
              cs-sink --format markdown --title "Week 17" --to digest.md
              cs-normalize examples/feeds/* | cs-enrich | cs-sink --format html --to report.html
              cs-sink --format navigator --title "Week 17" --to layer.json
              cs-sink --format stix --to bundle.json
              cs-sink --format misp --to misp-feed/
              cs-sink --to sqlite:advisories.db
              cs-sink --to splunk-hec+https://splunk:8088 --token-env HEC_TOKEN \\
                      --dead-letter failed.ndjson
              cs-sink --to elastic+https://es:9200/advisories --token-env ES_KEY
              cs-sink --to syslog+tcp://siem:601 --facility auth
              cs-sink --to redis://redis:6379/cs:advisories --maxlen '~1000000' \\
                      --password-env REDIS_PASSWORD
              cs-sink --to https://hooks.example/cs --batch 50 \\
                      --header-env 'Authorization=HOOK_AUTH'
            """,
        version: CSVersion.string)

    static func main() { StageMain.run(Self.self) }

    @OptionGroup var common: StageOptions

    @Argument(help: "Input files ('-' for stdin; default stdin).")
    var inputs: [String] = []

    @Option(name: [.customShort("f"), .long], help: ArgumentHelp("Output format: ndjson, json, csv, tsv, table, markdown, html, ecs, splunk, navigator, stix, misp.", valueName: "format"))
    var format: SinkFormat = .ndjson

    @Option(name: .customLong("to"), help: ArgumentHelp("Destination: a file (lines appended, documents replace it), sqlite:PATH, a network URL, or - for stdout.", valueName: "dest"))
    var to: String?

    @Option(name: .customLong("rotate"), help: ArgumentHelp("With --to FILE: move the file aside to FILE.1 when it would grow past SIZE (500K, 10M, 1G).", valueName: "size"))
    var rotate: String?

    @Option(name: .customLong("keep"), help: ArgumentHelp("With --rotate: how many rotated files to keep (FILE.1 .. FILE.N).", valueName: "n"))
    var keep: Int = 5

    @Option(name: .customLong("fields"), help: ArgumentHelp("csv/tsv columns: record paths or tactics, techniques, tactic_names, technique_names, groups, feed_url.", valueName: "list"))
    var fields: String = FieldList.defaultFields

    @Flag(name: .customLong("no-header"), help: "csv/tsv without the header row.")
    var noHeader = false

    @Option(name: .customLong("sort"), help: ArgumentHelp("table/markdown/html order: severity (most severe, then newest first), published, none.", valueName: "order"))
    var sort: SinkSort?

    @Option(name: .customLong("color"), help: ArgumentHelp("Colour in tables: auto (terminal without NO_COLOR), always, never.", valueName: "when"))
    var color: Terminal.ColorMode = .auto

    @Option(name: .customLong("title"), help: ArgumentHelp("The markdown or html digest's heading (default: Advisory digest); the navigator layer's name.", valueName: "text"))
    var title: String?

    @Flag(name: .customLong("report-time"), help: "html: say in the report when it was made (off by default, so the same input gives the same bytes).")
    var reportTime = false

    @Option(name: .customLong("width"), help: ArgumentHelp("Table width in columns (default: the terminal's, else COLUMNS, else 100).", valueName: "n"))
    var width: Int?

    @OptionGroup(title: "Network delivery") var delivery: DeliveryArguments

    mutating func validate() throws {
        if sort != nil && ![.table, .markdown, .html].contains(format) {
            throw ValidationError("--sort applies to --format table, markdown and html (the other formats stream in input order)")
        }
        if rotate != nil {
            guard let size = FileRotation.parseSize(rotate!) else { throw ValidationError("--rotate: '\(rotate!)' is not a size such as 500K, 10M or 1G") }
            guard keep >= 1 else { throw ValidationError("--keep must be at least 1") }
            guard [.ndjson, .ecs, .splunk].contains(format) else {
                throw ValidationError("--rotate applies to the line formats ndjson, ecs and splunk")
            }
            guard size >= 1024 else { throw ValidationError("--rotate: at least 1K") }
        }
        if title != nil && ![.markdown, .html, .navigator].contains(format) {
            throw ValidationError("--title applies to --format markdown, html and navigator")
        }
        if reportTime && format != .html {
            throw ValidationError("--report-time applies to --format html")
        }
        if let width, width < 40 { throw ValidationError("--width must be at least 40") }
    }

    mutating func run() throws {
        if common.describe { print(SinkLibrary.description.json(for: Self.self).text); return }
        var options = SinkOptions()
        options.format = format
        do {
            options.destination = try SinkDestination(parsing: to)
        } catch where error.code == .unimplemented {
            // rediss://: understood, but this build cannot do it; not a typing mistake.
            writeStandardError("cs-sink: error: --to: \(error.message) (UNIMPLEMENTED)\n")
            throw ExitCode(ExitStatus.failure.rawValue)
        } catch {
            throw ValidationError(error.message)
        }
        do {
            if format == .csv || format == .tsv { _ = try FieldList(parsing: fields) }
        } catch {
            throw ValidationError(error.message)
        }
        if case .sqlite = options.destination, format != .ndjson {
            throw ValidationError("--to sqlite: stores records; --format does not apply")
        }
        if let rotate {
            guard case .file = options.destination else { throw ValidationError("--rotate needs --to FILE") }
            options.rotation = FileRotation(maxBytes: FileRotation.parseSize(rotate)!, keep: keep)
        }
        if case let .network(target) = options.destination {
            options.delivery = try delivery.options(for: target, format: format)
        } else if delivery.isUsed {
            throw ValidationError("--batch, --flush-interval, --retries, --timeout, --header, --header-env, --token-env, --token-file, --insecure, --ca-file, --facility, --max-message, --password-env and --maxlen apply to network destinations (--to http(s)://, splunk-hec+https://, elastic+https://, syslog+udp://, syslog+tcp://, redis://)")
        }
        options.fields = fields
        options.header = !noHeader
        options.sort = sort
        options.color = color
        options.width = width
        options.title = title
        options.reportTime = reportTime
        let stage = Stage(name: "cs-sink", options: common)
        SinkRunner.run(stage: stage, inputs: inputs, options: options)
        stage.finish()
    }
}

// Flag values straight from the library enums.
extension SinkFormat: ExpressibleByArgument {}
extension SinkSort: ExpressibleByArgument {}
extension Terminal.ColorMode: ExpressibleByArgument {}
