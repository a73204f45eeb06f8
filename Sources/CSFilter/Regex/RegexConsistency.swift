/// For the fuzz targets (fuzz-where): the regex engine's answer must not depend on its DFA cache.
public enum RegexConsistency {
    /// Compiles `pattern` (nil when it is refused, which is fine) and matches `text` with the state
    /// cache on, off (the plain NFA simulation) and tiny (emptied again and again); a description of
    /// the disagreement, or nil.
    public static func check(pattern: String, text: [UInt8]) -> String? {
        guard let tree = try? RegexParser.parse(Array(pattern.utf8), caseInsensitive: true),
              let program = try? RegexProgram(tree) else { return nil }
        let answers = [LazyDFA(program), LazyDFA(program, maxStates: 0), LazyDFA(program, maxStates: 2)].map { dfa in
            text.withUnsafeBufferPointer { dfa.matches($0, stop: { false }) }
        }
        guard Set(answers).count == 1 else {
            return "regex \(pattern.debugDescription) gives \(answers) (cache on, off, tiny) on \(String(decoding: text.prefix(200), as: UTF8.self).debugDescription)"
        }
        // The literal prefilter may only rule out texts the automaton rejects too.
        if let required = RequiredLiteral.of(tree), answers[0] {
            var lowered = text
            if !ByteText.containsIgnoringASCIICase(&lowered, required) {
                return "regex \(pattern.debugDescription) matches \(String(decoding: text.prefix(200), as: UTF8.self).debugDescription) without its required literal \(String(decoding: required, as: UTF8.self).debugDescription)"
            }
        }
        return nil
    }
}
