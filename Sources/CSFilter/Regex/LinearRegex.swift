import CSPosix

/// A regular expression for `--grep` and `--where =~`, matched in time linear in the text (a lazily
/// built DFA over a Thompson NFA, see `LazyDFA`), with a required-literal prefilter. Matching is on
/// bytes; case-insensitive matching folds ASCII letters. A stop signal (SIGINT/SIGTERM) cuts a
/// long match short: the caller then must not act on the answer (`FilterRunner` checks).
final class LinearRegex {
    static let maxPatternBytes = 4096

    private let dfa: LazyDFA
    /// Bytes every match contains (lowercase when case-insensitive), or nil.
    private let required: [UInt8]?
    private let caseInsensitive: Bool
    /// Asked between chunks of text; true stops the match.
    var stopRequested: () -> Bool = { cs_stop_signal() != 0 }

    init(_ pattern: String, caseInsensitive: Bool) throws(FilterSpecError) {
        let bytes = Array(pattern.utf8)
        guard bytes.count <= LinearRegex.maxPatternBytes else {
            throw FilterSpecError("regular expression longer than \(LinearRegex.maxPatternBytes) bytes")
        }
        let tree: RegexNode
        do {
            tree = try RegexParser.parse(bytes, caseInsensitive: caseInsensitive)
        } catch {
            throw FilterSpecError("invalid regular expression '\(pattern)': \(error.message)")
        }
        do {
            dfa = LazyDFA(try RegexProgram(tree))
        } catch {
            throw FilterSpecError("regular expression '\(pattern)' is too complex: its {m,n} repetitions expand to more than \(RegexProgram.maxInstructions) steps")
        }
        required = RequiredLiteral.of(tree)
        self.caseInsensitive = caseInsensitive
    }

    /// Whether the expression matches somewhere in `text`. May lowercase `text` in place (case-insensitive).
    func matches(_ text: inout [UInt8]) -> Bool {
        if let required {
            let present = caseInsensitive ? ByteText.containsIgnoringASCIICase(&text, required) : ByteText.contains(text, required)
            guard present else { return false }
        }
        let stop = stopRequested
        return text.withUnsafeBufferPointer { dfa.matches($0, stop: stop) }
    }
}
