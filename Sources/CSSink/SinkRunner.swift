#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore
import CSPosix

/// cs-sink's loop: scan each line, reject what is not a cs.advisory/1 record, hand the rest to
/// the chosen format and destination.
public enum SinkRunner {
    public static func run(stage: Stage, inputs: [String], options: SinkOptions) {
        if case let .file(path) = options.destination, let same = inputs.first(where: { sameFile($0, path) }) {
            // Appending to the file being read would never reach its end.
            stage.fail(StageError(.invalidArgument, "--to \(path) is also an input (\(same)): cs-sink would read its own output"))
        }
        if case let .network(target) = options.destination {
            runNetwork(stage: stage, inputs: inputs, target: target, options: options)
            return
        }
        let session: SinkSession
        do { session = try SinkSession(stage: stage, options: options) } catch { stage.fail(error) }
        // Stopped by SIGINT/SIGTERM, what was collected is still printed, a JSON array closed, a
        // SQLite transaction committed, before the stage reports its counts; ExitFlush covers the
        // other ways out through exit(3).
        stage.onInterrupt { session.complete(interrupted: true) }
        ExitFlush.register { session.complete(interrupted: true) }
        let scanner = RecordScanner()
        stage.forEachRecord(of: inputs, scanner: scanner) { line, scanner, position in
            session.consume(line.bytes, scanner, at: position)
            stage.recordDelivered()
        }
        session.complete(interrupted: false)
    }
}

extension SinkRunner {
    /// A network destination: each line is checked and queued with the sink's lock held, so the
    /// flush timer never sends a batch while a record is being added to it.
    static func runNetwork(stage: Stage, inputs: [String], target: NetworkTarget, options: SinkOptions) {
        if options.delivery.insecure {
            stage.diagnostics.warning(.failedPrecondition, "--insecure: the server's TLS certificate is not verified; anyone on the path can read and alter what is sent, credentials included")
        }
        let sink = NetworkSink(stage: stage, target: target, format: options.format, options: options.delivery)
        do throws(StageError) { try sink.endpoint.open() } catch { stage.fail(error) }
        // SIGINT/SIGTERM: what was read and is pending is sent (or dead-lettered) before the stage
        // reports its counts and exits; ExitFlush covers the other ways out through exit(3).
        stage.onInterrupt { sink.complete() }
        ExitFlush.register { sink.complete() }
        sink.start()
        let scanner = RecordScanner()
        stage.forEachRecord(of: inputs, scanner: scanner) { line, scanner, position in
            sink.locked { sink.consume(line.bytes, scanner, at: position) }
            // A signal that came while a batch was being delivered (not while read(2) waited) would
            // otherwise only be seen after the next line arrives.
            let signal = cs_stop_signal()
            if signal != 0 { stage.interrupted(signal) }
        }
        sink.complete()
    }
}

/// Whether two paths name one existing file (same device and inode).
func sameFile(_ a: String, _ b: String) -> Bool {
    guard a != "-" else { return false }
    var sa = stat(), sb = stat()
    guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
}

public enum SinkLibrary {
    public static let description = StageDescription(
        name: "cs-sink",
        summary: "Delivers cs.advisory/1 records: NDJSON unchanged, a JSON array, CSV/TSV, an aligned table, a Markdown digest or an HTML report, to stdout, appended to a file, upserted into SQLite, or sent to a webhook, Splunk HEC, Elasticsearch or syslog with batching, retries and a dead-letter file.",
        inputs: ["cs.advisory/1"],
        output: "ndjson (records unchanged), json, csv, tsv, table, markdown, html, ecs, splunk, navigator (ATT&CK Navigator layer), stix (STIX 2.1 bundle), misp (MISP events, or a MISP feed folder); or a SQLite table; or a network destination",
        examples: [
            "cs-enrich < advisories.ndjson | cs-filter --sev high | cs-sink --format table",
            "cs-sink --to advisories.ndjson",
            "cs-sink --format csv --fields severity,published,title,url,tactics",
            "cs-sink --to sqlite:advisories.db",
            "cs-sink --to splunk-hec+https://splunk.example:8088 --token-env SPLUNK_HEC_TOKEN --dead-letter failed.ndjson",
            "cs-sink --to elastic+https://es.example:9200/advisories --token-env ES_API_KEY",
            "cs-sink --to syslog+tcp://siem.example:601",
            "cs-sink --format stix --to bundle.json",
            "cs-sink --format misp --to misp-feed/",
        ])
}
