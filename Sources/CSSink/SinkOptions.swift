import CSCore

/// What cs-sink writes.
public enum SinkFormat: String, Sendable, CaseIterable {
    case ndjson, json, csv, tsv, table, markdown, html, ecs, splunk
    /// The exchange formats: an ATT&CK Navigator layer, a STIX 2.1 bundle, MISP events.
    case navigator, stix, misp
}

/// Where cs-sink writes (`--to`).
public enum SinkDestination: Sendable, Equatable {
    case stdout
    case file(String)
    case sqlite(String)
    case network(NetworkTarget)

    /// `-` or nothing: stdout; `sqlite:PATH`; `SCHEME://...` a network destination (an unknown
    /// scheme is refused rather than taken for a file name); any other value is a file path.
    public init(parsing text: String?) throws(StageError) {
        guard let text, text != "-" else { self = .stdout; return }
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst(7))
            guard !path.isEmpty else { throw StageError(.invalidArgument, "--to sqlite: needs a path, e.g. sqlite:advisories.db") }
            self = .sqlite(path)
            return
        }
        if let target = try NetworkTarget(parsing: text) {
            self = .network(target)
            return
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
    /// html: state when the report was made (`--report-time`); off, the same input gives the same bytes.
    public var reportTime = false
    /// Network destinations: batching, retries, credentials.
    public var delivery = DeliveryOptions()
    public init() {}
}

extension SinkOptions {
    /// Formats whose output is one document (a JSON array, a table, a digest, a CSV or TSV with its
    /// header row): `--to FILE` replaces the file. Record lines (ndjson, ecs, splunk, csv and tsv
    /// without a header) are appended.
    public var writesWholeDocument: Bool {
        switch format {
        case .json, .table, .markdown, .html, .navigator, .stix: return true
        case .csv, .tsv: return header
        case .ndjson, .ecs, .splunk, .misp: return false
        }
    }
}
