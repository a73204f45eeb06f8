#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// Why a JSON Feed document could not be read to its end.
enum JSONFeedBreak: Error {
    /// The bytes end inside the document.
    case truncated(at: Int)
    /// Not JSON (or JSON that jansson could not load) at this absolute offset.
    case invalid(String, at: Int)
    /// One value (an item, a member) larger than the limit.
    case tooLarge(at: Int, limit: Int)
    case readFailed(errno: Int32)
}

/// The structural walk over a JSON Feed document: the root object's members in order, and each element
/// of an `items` array on its own, found by a fast scan of the bytes (strings and brackets) before it is
/// validated. Values other than item elements are validated here; item elements are handed over as raw
/// bytes for the caller to validate (or skip). Bytes behind each element are trimmed from the window.
final class JSONFeedWalker {
    let input: JSONFeedInput
    /// Bytes one value may span (the window must hold it whole).
    let maxValueBytes: Int
    private(set) var position = 0

    init(_ input: JSONFeedInput, maxValueBytes: Int) {
        self.input = input
        self.maxValueBytes = maxValueBytes
    }

    /// What to do with the elements of one `items` array.
    enum ItemsMode { case elements, skip }

    /// Walks the document. `member` gets each root member (name, validated value bytes) other than an
    /// `items` array; `itemsStart` is asked about each `items` array (its ordinal from 1), and `element`
    /// gets each of its elements (raw bytes and their absolute offset) when the answer was `.elements`.
    func walk(member: (String, JSONRef) throws(JSONFeedBreak) -> Void,
              itemsStart: (Int) throws(JSONFeedBreak) -> ItemsMode,
              element: (UnsafeBufferPointer<UInt8>, Int) throws(JSONFeedBreak) -> Void,
              itemsEnd: () throws(JSONFeedBreak) -> Void) throws(JSONFeedBreak) {
        position = 0
        guard let first = try skipSpace() else { throw JSONFeedBreak.invalid("empty document", at: 0) }
        guard first == UInt8(ascii: "{") else {
            throw JSONFeedBreak.invalid("not a JSON Feed: the document is not an object", at: position)
        }
        position += 1
        var itemsArrays = 0
        var expectMember = false
        while true {
            guard let c = try skipSpace() else { throw JSONFeedBreak.truncated(at: position) }
            if c == UInt8(ascii: "}") && !expectMember { position += 1; break }
            guard c == UInt8(ascii: "\"") else {
                throw invalid(expectMember ? "expected a member name in quotes" : "expected a member name in quotes or '}'", c)
            }
            let keyStart = position
            let keyEnd = try skim(from: keyStart)
            let key = try validated(keyStart, keyEnd).string ?? ""
            if key.utf8.contains(0) { throw JSONFeedBreak.invalid("a member name with a \\u0000 (NUL) character", at: keyStart) }
            position = keyEnd
            guard let colon = try skipSpace() else { throw JSONFeedBreak.truncated(at: position) }
            guard colon == UInt8(ascii: ":") else { throw invalid("expected ':' after a member name", colon) }
            position += 1
            guard let v = try skipSpace() else { throw JSONFeedBreak.truncated(at: position) }
            if key == "items" && v == UInt8(ascii: "[") {
                itemsArrays += 1
                let mode = try itemsStart(itemsArrays)
                try walkItems(mode: mode, element: element)
                try itemsEnd()
            } else {
                let valueStart = position
                let valueEnd = try skim(from: valueStart)
                let value = try validated(valueStart, valueEnd)
                try member(key, value)
                position = valueEnd
            }
            input.trim(before: position)
            guard let next = try skipSpace() else { throw JSONFeedBreak.truncated(at: position) }
            position += 1
            if next == UInt8(ascii: ",") { expectMember = true; continue }
            if next == UInt8(ascii: "}") { break }
            position -= 1
            throw invalid("expected ',' or '}' in an object", next)
        }
        // jansson accepts nothing after the document but whitespace.
        if let extra = try skipSpace() { throw invalid("unexpected bytes after the JSON Feed object", extra) }
    }

    private func walkItems(mode: ItemsMode, element: (UnsafeBufferPointer<UInt8>, Int) throws(JSONFeedBreak) -> Void) throws(JSONFeedBreak) {
        position += 1   // '['
        guard let first = try skipSpace() else { throw JSONFeedBreak.truncated(at: position) }
        if first == UInt8(ascii: "]") { position += 1; return }
        while true {
            let start = position
            let end = try skim(from: start)
            if end == start {
                let c = input.base[start - input.offset]
                throw invalid("unexpected \(describe(c)), expected a value", c)
            }
            if mode == .elements {
                try element(UnsafeBufferPointer(start: input.base + (start - input.offset), count: end - start), start)
            }
            position = end
            input.trim(before: position)
            guard let next = try skipSpace() else { throw JSONFeedBreak.truncated(at: position) }
            position += 1
            if next == UInt8(ascii: ",") {
                guard try skipSpace() != nil else { throw JSONFeedBreak.truncated(at: position) }
                continue
            }
            if next == UInt8(ascii: "]") { return }
            position -= 1
            throw invalid("expected ',' or ']' in the items array", next)
        }
    }

    /// Validates the bytes of one complete value.
    private func validated(_ start: Int, _ end: Int) throws(JSONFeedBreak) -> JSONRef {
        let bytes = UnsafeBufferPointer(start: input.base + (start - input.offset), count: end - start)
        do {
            return try JSONRef.validated(bytes)
        } catch {
            throw JSONFeedBreak.invalid(JSONFeedWalker.wording(error.message), at: start + error.column - 1)
        }
    }

    /// RecordScanner speaks of lines (NDJSON); here a value ends.
    static func wording(_ message: String) -> String {
        guard message.hasPrefix("line ends") else { return message }
        var s = "value ends" + message.dropFirst("line ends".count)
        if s.hasSuffix(" (truncated record?)") { s.removeLast(" (truncated record?)".count) }
        return s
    }

    /// Advances over whitespace, reading as needed; the byte there, or nil at the end of the document.
    private func skipSpace() throws(JSONFeedBreak) -> UInt8? {
        while true {
            let n = input.count
            var i = position - input.offset
            let p = input.base
            while i < n {
                let c = p[i]
                if c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D { i += 1 } else {
                    position = input.offset + i
                    return c
                }
            }
            position = input.offset + i
            if !input.more() {
                if input.readError != 0 { throw JSONFeedBreak.readFailed(errno: input.readError) }
                return nil
            }
        }
    }

    /// The end (absolute) of the value starting at `start`, found from its strings and brackets alone,
    /// reading as needed. A scalar ends at the first delimiter. Validation comes after.
    private func skim(from start: Int) throws(JSONFeedBreak) -> Int {
        var i = start - input.offset
        var depth = 0
        var inString = false
        while true {
            let n = input.count
            let p = input.base
            while i < n {
                if inString {
                    // The closing quote is the next one after an even number of backslashes (the scan back
                    // stops at the opening quote at the latest, which is still in the window).
                    guard let hit = memchr(p + i, 0x22, n - i) else { i = n; break }
                    let quote = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - p
                    var b = quote - 1
                    while p[b] == 0x5C { b -= 1 }
                    i = quote + 1
                    if (quote - 1 - b) % 2 == 0 {
                        inString = false
                        if depth == 0 { return input.offset + i }
                    }
                    continue
                }
                let c = p[i]
                switch c {
                case UInt8(ascii: "\""):
                    inString = true
                    i += 1
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    i += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 { return input.offset + i }
                    depth -= 1
                    i += 1
                    if depth == 0 { return input.offset + i }
                case UInt8(ascii: ","), 0x20, 0x0A, 0x09, 0x0D:
                    if depth == 0 { return input.offset + i }
                    i += 1
                default:
                    i += 1
                }
            }
            if input.offset + i - start > maxValueBytes { throw JSONFeedBreak.tooLarge(at: start, limit: maxValueBytes) }
            let consumed = input.offset + i
            if !input.more() {
                if input.readError != 0 { throw JSONFeedBreak.readFailed(errno: input.readError) }
                // A scalar may end with the document; anything else is cut off.
                if depth == 0 && !inString && consumed > start { return min(consumed, input.offset + input.count) }
                throw JSONFeedBreak.truncated(at: min(consumed, input.offset + input.count))
            }
            i = consumed - input.offset
        }
    }

    private func invalid(_ message: String, _ c: UInt8) -> JSONFeedBreak {
        .invalid("\(message), found \(describe(c))", at: position)
    }

    private func describe(_ c: UInt8) -> String {
        if c >= 0x21 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
        return "byte 0x" + String(c, radix: 16, uppercase: true)
    }
}
