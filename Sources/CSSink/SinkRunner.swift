#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// What cs-sink writes.
public enum SinkFormat: String, Sendable, CaseIterable {
    case ndjson, json, csv, tsv, table, markdown, html, ecs, splunk
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
            throw StageError(.invalidArgument, "--to \(text): network destinations are not supported yet (file paths and sqlite:PATH are)")
        }
        guard !text.isEmpty else { throw StageError(.invalidArgument, "--to: empty destination") }
        self = .file(text)
    }
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
    /// `--to FILE` only: rotate the file at this size.
    public var rotation: FileRotation? = nil
    /// The markdown or html digest's heading.
    public var title: String? = nil
    public init() {}
}

/// cs-sink's loop: scan each line, reject what is not a cs.advisory/1 record, hand the rest to
/// the chosen format and destination.
public enum SinkRunner {
    public static func run(stage: Stage, inputs: [String], options: SinkOptions) {
        if case let .file(path) = options.destination, let same = inputs.first(where: { sameFile($0, path) }) {
            // Appending to the file being read would never reach its end.
            stage.fail(StageError(.invalidArgument, "--to \(path) is also an input (\(same)): cs-sink would read its own output"))
        }
        let session: SinkSession
        do { session = try SinkSession(stage: stage, options: options) } catch { stage.fail(error) }
        // Stopped by SIGINT/SIGTERM, the stage exits through exit(3): what was collected is still
        // printed, a JSON array closed, a SQLite transaction committed.
        ExitFlush.register { session.complete(interrupted: true) }
        let scanner = RecordScanner()
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
            session.consume(line.bytes, scanner, at: position)
        }
        session.complete(interrupted: false)
    }
}

/// Whether two paths name one existing file (same device and inode).
func sameFile(_ a: String, _ b: String) -> Bool {
    guard a != "-" else { return false }
    var sa = stat(), sb = stat()
    guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
}

/// One run of cs-sink: the destination, the format's state, and how it ends.
final class SinkSession {
    let stage: Stage
    let options: SinkOptions
    let output: RecordOutput
    let store: SQLiteStore?
    let fields: FieldList?
    let delimited: DelimitedFormatter
    private var summaries: [AdvisorySummary] = []
    private var count = 0
    private var completed = false
    /// `@timestamp` of ECS documents whose record carries no date.
    private let now = RFC3339.now()

    init(stage: Stage, options: SinkOptions) throws(StageError) {
        self.stage = stage
        self.options = options
        switch options.destination {
        case .stdout:
            output = stage.output
            store = nil
        case let .file(path):
            output = try AppendFile(path: path, rotation: options.rotation)
            store = nil
        case let .sqlite(path):
            output = stage.output
            store = try SQLiteStore(path: path)
        }
        fields = options.format == .csv || options.format == .tsv ? try FieldList(parsing: options.fields) : nil
        delimited = DelimitedFormatter(options.format == .csv ? .csv : .tsv)
        if let fields, options.header, store == nil {
            output.writeRecord(delimited.row(fields.names))
        }
    }

    func consume(_ line: UnsafeBufferPointer<UInt8>, _ scanner: RecordScanner, at position: Position) {
        if let store {
            do throws(StageError) { try store.store(line, scanner) } catch {
                // A record that cannot be stored is rejected; a database that fails stops the stage.
                guard error.code == .invalidArgument else { stage.fail(error) }
                stage.reject(line, at: position, error.code, error.message, id: scanner.value("id")?.string)
                return
            }
            count += 1
            return
        }
        switch options.format {
        case .ndjson:
            output.writeRecord(line)
        case .json:
            output.write(count == 0 ? "[\n" : ",")
            output.writeRecord(line)
        case .csv, .tsv:
            output.writeRecord(delimited.row(fields!.values(scanner)))
        case .ecs:
            output.writeRecord(ECSFormatter.document(line, scanner, now: now))
        case .splunk:
            output.writeRecord(SplunkFormatter.envelope(line, scanner))
        case .table, .markdown, .html:
            summaries.append(AdvisorySummary(scanner, sequence: count, withSummary: options.format != .table))
        }
        count += 1
    }

    /// Writes what a format writes at the end, once, and flushes.
    func complete(interrupted: Bool) {
        guard !completed else { return }
        completed = true
        if let store {
            do throws(StageError) { try store.commit() } catch {
                if interrupted { stage.diagnostics.error(error.code, error.message); return }
                stage.fail(error)
            }
            if !interrupted { stage.diagnostics.info("\(store.stored) record\(store.stored == 1 ? "" : "s") stored in \(store.path)") }
            return
        }
        switch options.format {
        case .json:
            output.write(count == 0 ? "[]\n" : "]\n")
        case .table:
            let sorted = (options.sort ?? .severity).sorted(summaries)
            let toTerminal = options.destination == .stdout
            let width = options.width ?? Terminal.columns(toTerminal ? 1 : -1)
            let color = options.color == .always || (toTerminal && Terminal.useColor(1, mode: options.color))
            for line in TableFormatter(width: width, color: color).render(sorted) { output.writeRecord(Array(line.utf8)) }
        case .markdown:
            let sorted = (options.sort ?? .severity).sorted(summaries)
            output.write(MarkdownFormatter(title: options.title ?? "Advisory digest").render(sorted))
        case .html:
            let sorted = (options.sort ?? .severity).sorted(summaries)
            output.write(HTMLFormatter(title: options.title ?? "Advisory digest").render(sorted))
        case .ndjson, .csv, .tsv, .ecs, .splunk:
            break
        }
        output.flush()
    }
}

public enum SinkLibrary {
    public static let description = StageDescription(
        name: "cs-sink",
        summary: "Delivers cs.advisory/1 records: NDJSON unchanged, a JSON array, CSV/TSV, an aligned table, a Markdown digest or an HTML report, to stdout, appended to a file, or upserted into SQLite.",
        inputs: ["cs.advisory/1"],
        output: "ndjson (records unchanged), json, csv, tsv, table, markdown, html, ecs, splunk; or a SQLite table",
        examples: [
            "cs-enrich < advisories.ndjson | cs-filter --sev high | cs-sink --format table",
            "cs-sink --to advisories.ndjson",
            "cs-sink --format csv --fields severity,published,title,url,tactics",
            "cs-sink --to sqlite:advisories.db",
        ])
}
