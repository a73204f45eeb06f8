import CSCore

/// `--grep PATTERN`: a regular expression (POSIX extended syntax, `LinearRegex`) searched in a record's
/// title, summary and content_text (decoded from JSON first). Case-insensitive unless asked otherwise.
/// A pattern with no regex metacharacters is searched as plain bytes (`memchr`/`memcmp`).
final class TextSearch {
    /// The fields searched, in order: the first hit ends the search.
    static let fields: [StaticString] = ["title", "summary", "content_text"]

    private enum Method {
        case literal([UInt8], caseInsensitive: Bool)
        case regex(LinearRegex)
    }
    private let method: Method
    /// Reused for every field of every record: decoding allocates nothing once it has grown.
    private var scratch: [UInt8] = []

    init(_ pattern: String, caseSensitive: Bool) throws(FilterSpecError) {
        let bytes = Array(pattern.utf8)
        let meta = Set(".[]()*+?{}|^$\\".utf8)
        let isLiteral = !bytes.contains(where: { meta.contains($0) })
        // Case folding is ASCII only, in the regex engine too; a non-ASCII literal goes through it all the same.
        if isLiteral && (caseSensitive || !bytes.contains(where: { $0 >= 0x80 })) {
            method = .literal(caseSensitive ? bytes : ByteText.lowercasedASCII(bytes), caseInsensitive: !caseSensitive)
        } else {
            do {
                method = .regex(try LinearRegex(pattern, caseInsensitive: !caseSensitive))
            } catch {
                throw FilterSpecError("--grep: \(error.message)")
            }
        }
        scratch.reserveCapacity(64 << 10)
    }

    func matches(_ record: RecordScanner) -> Bool {
        for field in TextSearch.fields {
            guard let ref = record.value(field), ref.isString else { continue }
            if matches(ref) { return true }
        }
        return false
    }

    /// Whether one string value matches (used by `--where FIELD =~ "..."` too).
    func matches(_ ref: JSONRef) -> Bool {
        scratch.removeAll(keepingCapacity: true)
        guard ref.appendDecodedString(to: &scratch) else { return false }
        switch method {
        case let .literal(needle, caseInsensitive):
            return caseInsensitive ? ByteText.containsIgnoringASCIICase(&scratch, needle) : ByteText.contains(scratch, needle)
        case let .regex(re):
            return re.matches(&scratch)
        }
    }
}
