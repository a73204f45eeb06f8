import CSCore

/// `--fields`: the columns of csv and tsv output, each a record path (`title`, `source.feed_url`,
/// `attack.tactics.name`) or one of the short names below.
public struct FieldList: Sendable {
    public static let defaultFields = "severity,published,title,url,tactics,techniques,cves,uid"
    /// Short names for the paths people ask for most.
    public static let aliases: [String: String] = [
        "tactics": "attack.tactics.id",
        "tactic_names": "attack.tactics.name",
        "techniques": "attack.techniques.id",
        "technique_names": "attack.techniques.name",
        "groups": "attack.groups.name",
        // The sentences behind model-mapped techniques (best first per technique).
        "evidence": "attack.techniques.evidence.text",
        "feed_url": "source.feed_url",
        "feed_title": "source.feed_title",
    ]

    public let names: [String]
    let paths: [RecordPath]

    public init(parsing text: String) throws(StageError) {
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
        guard !names.isEmpty, !names.contains(where: \.isEmpty) else {
            throw StageError(.invalidArgument, "--fields: expected comma-separated field names, e.g. \(FieldList.defaultFields)")
        }
        var paths: [RecordPath] = []
        for n in names {
            guard let p = RecordPath(FieldList.aliases[n] ?? n) else {
                throw StageError(.invalidArgument, "--fields: '\(n)' is not a field name")
            }
            paths.append(p)
        }
        self.names = names
        self.paths = paths
    }

    /// The text of each field for one record. Strings are decoded; numbers and booleans are their
    /// JSON text; null and missing are empty; lists are joined with "; " (objects in a list by
    /// their `id`, else `name`); an object is its compact JSON.
    public func values(_ r: RecordScanner) -> [String] {
        paths.map { path in
            var parts: [String] = []
            path.forEachValue(in: r) { v in
                FieldList.collect(v, into: &parts, top: true)
                return true
            }
            return parts.joined(separator: "; ")
        }
    }

    static func collect(_ v: JSONRef, into parts: inout [String], top: Bool) {
        if let s = v.string { parts.append(s); return }
        if v.isNull { return }
        if v.isArray && top {
            v.forEachElement { e in collect(e, into: &parts, top: false); return true }
            return
        }
        if v.isObject && !top {
            if let id = v.member("id")?.string { parts.append(id); return }
            if let name = v.member("name")?.string { parts.append(name); return }
        }
        parts.append(String(decoding: v.bytes, as: UTF8.self))
    }
}

/// csv (RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled)
/// and tsv (tab-separated; tabs and line breaks inside values become spaces). Both neutralise
/// spreadsheet formulas: a cell starting with = + - @ tab or CR gets a leading single quote, so
/// Excel, LibreOffice and Sheets show the text instead of evaluating it. Other control characters
/// (ESC, DEL, C1) become spaces: the file may be read on a terminal.
public struct DelimitedFormatter: Sendable {
    public enum Kind: Sendable { case csv, tsv }
    public let kind: Kind

    public init(_ kind: Kind) { self.kind = kind }

    public func row(_ cells: [String]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, cell) in cells.enumerated() {
            if i > 0 { out.append(kind == .csv ? UInt8(ascii: ",") : 0x09) }
            out.append(contentsOf: escape(cell).utf8)
        }
        if kind == .csv { out.append(0x0D) }   // the LF is added by writeRecord
        return out
    }

    public func escape(_ cell: String) -> String {
        var text = cell
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
            text = "'" + text
        }
        switch kind {
        case .tsv:
            return ControlCharacters.spaced(text)
        case .csv:
            text = ControlCharacters.spaced(text, keeping: ["\t", "\n", "\r"])
            guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            var quoted = "\""
            for ch in text.unicodeScalars {
                if ch == "\"" { quoted += "\"\"" } else { quoted.unicodeScalars.append(ch) }
            }
            return quoted + "\""
        }
    }
}
