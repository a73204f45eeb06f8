#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSAttack
import CSCore

/// User mappings from `--map FILE`: in-house tags and phrases onto ATT&CK IDs.
///
///     # comment
///     impossible-travel        = T1078.004, TA0001     a tag (any spelling) onto IDs
///     tag:golden_saml          = T1606.002             the same, said explicitly
///     phrase:golden SAML       = T1606.002             words in the title, summary or text
///     brute-force              =                       nothing: switches the built-in mapping off
///     phrase:phishing          =                       nothing: the words no longer map
///
/// A tag listed here replaces what cs-enrich would map it to; a phrase adds to the text matches, and
/// a phrase with no IDs switches off the built-in phrase with those words (and earlier lines' phrase).
/// Later lines win.
/// IDs may be tactics (TA…), techniques (T…), groups (G…) or software (S…); each must exist in the tables.
public struct UserMap: Sendable {
    public struct Entry: Sendable {
        public var key: String
        public var ids: [String]
        public var file: String
        public var line: Int
    }

    /// Canonical tag -> entry.
    public private(set) var tags: [String: Entry] = [:]
    public private(set) var phrases: [Entry] = []
    /// Phrases switched off (`phrase:WORDS =`): the built-in phrase with these words no longer matches.
    public private(set) var phrasesOff: [Entry] = []

    public init() {}

    /// Reads one mapping file; the error names the file and line.
    public mutating func load(path: String) throws(StageError) {
        guard let f = fopen(path, "rb") else {
            let e = errno
            throw StageError(StatusCode(errno: e), "\(path): cannot open mapping file: \(systemErrorText(e))")
        }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        try parse(String(decoding: bytes, as: UTF8.self), file: path)
    }

    public mutating func parse(_ text: String, file: String) throws(StageError) {
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingASCIISpaces
            if line.isEmpty || line.hasPrefix("#") { continue }
            func bad(_ message: String) -> StageError {
                StageError(.invalidArgument, "\(file):\(lineNumber): \(message)")
            }
            guard let eq = line.firstIndex(of: "=") else {
                throw bad("expected 'TAG = ID, ID' or 'phrase:WORDS = ID' (nothing after '=' switches it off), found no '='")
            }
            var key = line[..<eq].trimmingASCIISpaces
            let idText = line[line.index(after: eq)...]
            var isPhrase = false
            if key.lowercased().hasPrefix("phrase:") { isPhrase = true; key = String(key.dropFirst(7)).trimmingASCIISpaces }
            else if key.lowercased().hasPrefix("tag:") { key = String(key.dropFirst(4)).trimmingASCIISpaces }
            guard !key.isEmpty else { throw bad("empty \(isPhrase ? "phrase" : "tag") before '='") }
            var ids: [String] = []
            for part in idText.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) {
                let id = String(part).uppercased().replacingSlashWithDot
                guard Self.exists(id) else {
                    throw bad("unknown ATT&CK ID '\(part)' (expected TA…, T…, G… or S… from ATT&CK \(ATTACK.version))")
                }
                if !ids.contains(id) { ids.append(id) }
            }
            if isPhrase {
                let entry = Entry(key: key, ids: ids, file: file, line: lineNumber)
                let words = Tokenizer.words(key).hashes
                guard !words.isEmpty else { throw bad("a phrase needs at least one word") }
                if ids.isEmpty {
                    phrases.removeAll { Tokenizer.words($0.key).hashes == words }
                    phrasesOff.append(entry)
                } else {
                    phrases.append(entry)
                }
            } else {
                tags[Tag.canonical(key)] = Entry(key: key, ids: ids, file: file, line: lineNumber)
            }
        }
    }

    static func exists(_ id: String) -> Bool {
        ATTACK.tactic(id: id) != nil || ATTACK.technique(id: id) != nil || ATTACK.group(id: id) != nil || ATTACK.software(id: id) != nil
    }
}

extension StringProtocol {
    var trimmingASCIISpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }

    var replacingSlashWithDot: String { String(map { $0 == "/" ? "." : $0 }) }
}
