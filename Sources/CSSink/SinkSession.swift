import CSCore

/// One run of cs-sink: the destination, the format's state, and how it ends.
final class SinkSession {
    let stage: Stage
    let options: SinkOptions
    let output: RecordOutput
    let store: SQLiteStore?
    let fields: FieldList?
    let delimited: DelimitedFormatter
    private var summaries: [AdvisorySummary] = []
    /// `--format stix`: the bundle being streamed.
    private var stix: STIXBundleWriter?
    /// `--format navigator`: technique counts until the end.
    private var navigator: NavigatorLayer?
    /// `--format misp --to DIR`: the MISP feed folder.
    private var mispFeed: MISPFeedWriter?
    /// `--format html`: the report, fed one record at a time.
    private let report: HTMLFormatter?
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
        case let .file(path) where options.format == .misp:
            // A MISP feed is a folder of files: the events, manifest.json and hashes.csv.
            output = stage.output
            store = nil
            mispFeed = try MISPFeedWriter(directory: path)
        case let .file(path):
            // A second table or digest after the first is no document: those replace the file.
            // A device or pipe (/dev/stderr, a FIFO) is written to, never replaced.
            output = options.writesWholeDocument && ReplaceFile.replaces(path)
                ? try ReplaceFile(path: path) : try AppendFile(path: path, rotation: options.rotation)
            store = nil
        case let .sqlite(path):
            output = stage.output
            store = try SQLiteStore(path: path)
        case .network:
            preconditionFailure("network destinations are run by SinkRunner.runNetwork")
        }
        report = options.format == .html
            ? HTMLFormatter(title: options.title ?? "Advisory digest", sort: options.sort ?? .severity,
                            generatedAt: options.reportTime ? RFC3339.now() : nil)
            : nil
        fields = options.format == .csv || options.format == .tsv ? try FieldList(parsing: options.fields) : nil
        delimited = DelimitedFormatter(options.format == .csv ? .csv : .tsv)
        if options.format == .stix { stix = STIXBundleWriter(output: output) }
        if options.format == .navigator { navigator = NavigatorLayer(name: options.title ?? "cs advisories") }
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
        case .stix:
            stix?.write(ExchangeAdvisory(line, scanner))
        case .navigator:
            navigator?.add(ExchangeAdvisory(line, scanner))
        case .misp:
            let (document, summary) = MISPEvent.event(ExchangeAdvisory(line, scanner))
            if let mispFeed {
                do throws(StageError) { try mispFeed.write(document, summary) } catch { stage.fail(error) }
            } else {
                output.writeRecord(document)
            }
        case .html:
            report?.add(scanner)
        case .table, .markdown:
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
            if !interrupted { stage.diagnostics.info(store.summary) }
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
            report?.render { output.write($0) }
        case .stix:
            stix?.finish()
        case .navigator:
            if let navigator { output.writeRecord(navigator.document()) }
        case .misp:
            do throws(StageError) { try mispFeed?.finish() } catch {
                if interrupted { stage.diagnostics.error(error.code, error.message); break }
                stage.fail(error)
            }
        case .ndjson, .csv, .tsv, .ecs, .splunk:
            break
        }
        output.finish()
    }
}
