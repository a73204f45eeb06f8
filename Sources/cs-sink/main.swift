import ArgumentParser
import CSCore
import CSSink

@main
struct SinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cs-sink",
        abstract: "Deliver cs.advisory/1 records to a terminal, a file or SQLite.",
        discussion: """
            FORMATS (--format):
              ndjson    records unchanged, byte for byte (default)
              json      one JSON array of the records
              csv, tsv  one row per record with --fields (csv: RFC 4180); a cell a
                        spreadsheet would run as a formula (= + - @ tab CR first)
                        gets a leading single quote
              table     aligned columns (severity, published, title, tactics),
                        sorted by --sort, severity in colour on a terminal
                        (NO_COLOR or --color never turn it off), as wide as the
                        terminal (else COLUMNS, else 100; --width overrides)
              markdown  a digest grouped by severity with tactics, techniques,
                        CVEs and links
              html      the same digest as one self-contained HTML file (feed text
                        escaped, no scripts, http(s) links only)
              ecs       Elastic Common Schema documents, one per line (threat.*,
                        vulnerability.id, event.severity 1-5, the record in cs)
              splunk    Splunk HEC event envelopes, one per line

            DESTINATIONS (--to):
              (none), -     stdout
              FILE          appended; each record leaves whole in one write(2);
                            --rotate SIZE --keep N move it aside to FILE.1..N
              sqlite:PATH   table 'advisories' keyed by uid, upserted (reruns leave
                            the same rows); columns uid, id, severity,
                            severity_rank, published, modified, title, url, type,
                            exploited, feed_url, record (the JSON), ingested_at

            Lines that are not JSON objects or not cs.advisory/1 records are reported with their line number and counted (exit 2). table and markdown collect every record before printing; the other formats stream.

            EXAMPLES:
              cs-enrich < advisories.ndjson | cs-filter --sev high | cs-sink --format table
              cs-sink --to /var/log/cs/advisories.ndjson < advisories.ndjson
              cs-sink --format csv --fields severity,published,title,url,tactics
              cs-sink --format markdown --title "Week 17" --to digest.md
              cs-sink --format html --to report.html
              cs-sink --to sqlite:advisories.db
            """,
        version: CSVersion.string)

    @OptionGroup var common: StageOptions

    @Argument(help: "Input files ('-' for stdin; default stdin).")
    var inputs: [String] = []

    @Option(name: [.customShort("f"), .long], help: ArgumentHelp("Output format: ndjson, json, csv, tsv, table, markdown, html, ecs, splunk.", valueName: "format"))
    var format: SinkFormat = .ndjson

    @Option(name: .customLong("to"), help: ArgumentHelp("Destination: a file (appended), sqlite:PATH, or - for stdout.", valueName: "dest"))
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

    @Option(name: .customLong("title"), help: ArgumentHelp("The markdown or html digest's heading (default: Advisory digest).", valueName: "text"))
    var title: String?

    @Option(name: .customLong("width"), help: ArgumentHelp("Table width in columns (default: the terminal's, else COLUMNS, else 100).", valueName: "n"))
    var width: Int?

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
        if title != nil && format != .markdown && format != .html {
            throw ValidationError("--title applies to --format markdown and html")
        }
        if let width, width < 40 { throw ValidationError("--width must be at least 40") }
    }

    mutating func run() throws {
        if common.describe { print(SinkLibrary.description.json(for: Self.self).text); return }
        var options = SinkOptions()
        options.format = format
        do {
            options.destination = try SinkDestination(parsing: to)
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
        options.fields = fields
        options.header = !noHeader
        options.sort = sort
        options.color = color
        options.width = width
        options.title = title
        let stage = Stage(name: "cs-sink", options: common)
        SinkRunner.run(stage: stage, inputs: inputs, options: options)
        stage.finish()
    }
}

// Flag values straight from the library enums.
extension SinkFormat: ExpressibleByArgument {}
extension SinkSort: ExpressibleByArgument {}
extension Terminal.ColorMode: ExpressibleByArgument {}
