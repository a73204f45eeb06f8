import CSCore

/// What cs-sink writes.
public enum SinkFormat: String, Sendable, CaseIterable {
    case ndjson, json, csv, tsv, table, markdown
}

/// Where cs-sink writes (`--to`).
public enum SinkDestination: Sendable, Equatable {
    case stdout
    case file(String)
    case sqlite(String)

    /// `-` or nothing: stdout; `sqlite:PATH`; any other value is a file path. Network destinations
    /// are refused here until they are implemented, rather than written to a file of that name.
    public init(parsing text: String?) throws(StageError) {
        guard let text, text != "-" else { self = .stdout; return }
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst(7))
            guard !path.isEmpty else { throw StageError(.invalidArgument, "--to sqlite: needs a path, e.g. sqlite:advisories.db") }
            self = .sqlite(path)
            return
        }
        if let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://") {
            throw StageError(.unimplemented, "--to \(text): network destinations are not supported yet (file paths and sqlite:PATH are)")
        }
        guard !text.isEmpty else { throw StageError(.invalidArgument, "--to: empty destination") }
        self = .file(text)
    }
}

extension StatusCode {
    /// Not in CSCore's list; shown as INVALID_ARGUMENT-like usage problems by the executable.
    static var unimplemented: StatusCode { .failedPrecondition }
}

public struct SinkOptions: Sendable {
    public var format: SinkFormat = .ndjson
    public var destination: SinkDestination = .stdout
    public var fields: String = FieldList.defaultFields
    /// Table and markdown only; nil = their default (severity).
    public var sort: SinkSort? = nil
    public var color: Terminal.ColorMode = .auto
    /// Table width; nil = the terminal's (or COLUMNS, or 100).
    public var width: Int? = nil
    public var header = true
    public init() {}
}

/// cs-sink's loop: scan each line, reject what is not a cs.advisory/1 record, hand the rest to
/// the chosen format and destination.
public enum SinkRunner {
    public static func run(stage: Stage, inputs: [String], options: SinkOptions) {
        let output: RecordOutput
        var store: SQLiteStore? = nil
        switch options.destination {
        case .stdout:
            output = stage.output
        case let .file(path):
            do {
                let file = try AppendFile(path: path)
                ExitFlush.register { file.flush() }
                output = file
            } catch { stage.fail(error) }
        case let .sqlite(path):
            do {
                let s = try SQLiteStore(path: path)
                ExitFlush.register { try? s.commit() }
                store = s
            } catch { stage.fail(error) }
            output = stage.output
        }

        let scanner = RecordScanner()
        var summaries: [AdvisorySummary] = []
        var count = 0
        let fieldList: FieldList?
        do { fieldList = options.format == .csv || options.format == .tsv ? try FieldList(parsing: options.fields) : nil } catch { stage.fail(error) }
        let delimited = options.format == .csv ? DelimitedFormatter(.csv) : DelimitedFormatter(.tsv)
        if let fieldList, options.header, store == nil {
            output.writeRecord(delimited.row(fieldList.names))
        }

        stage.forEachLine(of: inputs) { line, position in
            do throws(RecordScanner.ScanError) {
                try scanner.scan(line.bytes)
            } catch {
                stage.reject(line.bytes, at: position, .invalidArgument, error.description)
                return
            }
            if let problem = AdvisoryCheck.problem(in: scanner) {
                stage.reject(line.bytes, at: position, .invalidArgument, problem, id: scanner.value("id")?.string)
                return
            }
            if let store {
                do throws(StageError) { try store.store(line.bytes, scanner) } catch {
                    if error.code == .invalidArgument {
                        stage.reject(line.bytes, at: position, error.code, error.message, id: scanner.value("id")?.string)
                        return
                    }
                    stage.fail(error)
                }
                count += 1
                return
            }
            switch options.format {
            case .ndjson:
                output.writeRecord(line.bytes)
            case .json:
                output.write(count == 0 ? "[\n" : ",")
                output.writeRecord(line.bytes)
            case .csv, .tsv:
                output.writeRecord(delimited.row(fieldList!.values(scanner)))
            case .table, .markdown:
                summaries.append(AdvisorySummary(scanner, sequence: count))
            }
            count += 1
        }

        if let store {
            do { try store.commit() } catch { stage.fail(error) }
            stage.diagnostics.info("\(store.stored) record\(store.stored == 1 ? "" : "s") stored in \(store.path)")
            return
        }
        switch options.format {
        case .json:
            output.write(count == 0 ? "[]\n" : "]\n")
        case .table:
            let sorted = (options.sort ?? .severity).sorted(summaries)
            let fd: Int32 = options.destination == .stdout ? 1 : -1
            let width = options.width ?? Terminal.columns(fd)
            let formatter = TableFormatter(width: width, color: fd == 1 && Terminal.useColor(1, mode: options.color) || options.color == .always)
            for line in formatter.render(sorted) { output.writeRecord(Array(line.utf8)) }
        case .markdown:
            let sorted = (options.sort ?? .severity).sorted(summaries)
            output.write(MarkdownFormatter().render(sorted))
        default:
            break
        }
        output.flush()
    }
}

public enum SinkLibrary {
    public static let description = StageDescription(
        name: "cs-sink",
        summary: "Delivers cs.advisory/1 records: NDJSON unchanged, a JSON array, CSV/TSV, an aligned table or a Markdown digest, to stdout, appended to a file, or upserted into SQLite.",
        inputs: ["cs.advisory/1"],
        output: "ndjson (records unchanged), json, csv, tsv, table, markdown; or a SQLite table",
        examples: [
            "cs-enrich < advisories.ndjson | cs-filter --sev high | cs-sink --format table",
            "cs-sink --to advisories.ndjson",
            "cs-sink --format csv --fields severity,published,title,url,tactics",
            "cs-sink --to sqlite:advisories.db",
        ])
}
