/// The longest run of literal bytes that every match of an expression must contain: text without
/// it cannot match, and `memchr`/`memcmp` rule that out far faster than any automaton.
/// Case-insensitive letters come out lowercase (search lowercased text for them).
enum RequiredLiteral {
    static func of(_ node: RegexNode) -> [UInt8]? {
        let found = analyze(node)
        let best = (found.candidates + [found.exact ?? []]).max(by: { $0.count < $1.count }) ?? []
        return best.isEmpty ? nil : best
    }

    /// `exact`: the node always matches exactly these bytes; `candidates`: runs every match contains.
    private static func analyze(_ node: RegexNode) -> (exact: [UInt8]?, candidates: [[UInt8]]) {
        switch node {
        case .empty, .assertion:
            // Zero-width: literals on either side stay adjacent in every match.
            return ([], [])
        case let .bytes(set):
            return (set.literalByte.map { [$0] }, [])
        case let .concat(items):
            var run: [UInt8]? = []
            var candidates: [[UInt8]] = []
            var allExact = true
            for item in items {
                let inner = analyze(item)
                if let exact = inner.exact {
                    run = (run ?? []) + exact
                } else {
                    allExact = false
                    if let r = run, !r.isEmpty { candidates.append(r) }
                    run = []
                }
                candidates += inner.candidates
            }
            if let r = run, !r.isEmpty { candidates.append(r) }
            return (allExact ? run : nil, candidates)
        case let .repetition(inner, lo, hi):
            // Present at least once when lo >= 1; exact when it is exactly once.
            guard lo >= 1 else { return (nil, []) }
            let found = analyze(inner)
            if lo == 1, hi == 1 { return found }
            return (nil, found.candidates + (found.exact.map { $0.isEmpty ? [] : [$0] } ?? []))
        case .alternate:
            return (nil, [])
        }
    }
}
