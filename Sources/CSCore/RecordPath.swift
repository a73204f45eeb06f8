/// A dotted path into a scanned record, such as `severity`, `source.feed_url` or `attack.tactics.id`.
///
/// Arrays met on the way are entered element by element, so `attack.tactics.id` reaches the `id`
/// of every tactic. cs-filter's `--where` and cs-sink's `--fields` both read records this way,
/// straight from the bytes that `RecordScanner` indexed, without building a document tree.
public struct RecordPath: Sendable, CustomStringConvertible {
    public let segments: [[UInt8]]
    public var description: String { segments.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ".") }

    /// Nil when the text is empty or has an empty segment (`a..b`, `.a`, `a.`).
    public init?(_ text: String) {
        let parts = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        segments = parts.map { Array($0) }
    }

    /// Calls `body` with every value the path reaches; `body` returns false to stop early.
    /// A final value that is an array is handed over whole (callers decide whether to look inside).
    public func forEachValue(in scanner: RecordScanner, _ body: (JSONRef) -> Bool) {
        let found = segments[0].withUnsafeBufferPointer { scanner.value($0) }
        guard let root = found else { return }
        _ = descend(root, 1, body)
    }

    /// Whether the path reaches at least one value (null counts as present).
    public func exists(in scanner: RecordScanner) -> Bool {
        var any = false
        forEachValue(in: scanner) { _ in any = true; return false }
        return any
    }

    private func descend(_ ref: JSONRef, _ index: Int, _ body: (JSONRef) -> Bool) -> Bool {
        if index == segments.count { return body(ref) }
        if ref.isArray {
            return ref.forEachElement { descend($0, index, body) }
        }
        guard ref.isObject else { return true }
        let next = segments[index].withUnsafeBufferPointer { ref.member($0) }
        guard let next else { return true }
        return descend(next, index + 1, body)
    }
}
