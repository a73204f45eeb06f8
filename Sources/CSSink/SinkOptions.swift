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
