import CSAttack

/// Names to recognize in text (technique names, group and software names and aliases, user phrases),
/// indexed by the hash of their first word. Matching walks the text's tokens once; at each token the few
/// names starting with that word are compared, longest first, and the longest match wins
/// ("Brute Force: Password Spraying" before "Brute Force").
final class PhraseTable {
    enum Target: Equatable {
        case technique(String)
        case group(String)
        case software(String)
        /// A user mapping (`--map`): the IDs it stands for.
        case mapped([String])
    }

    struct Phrase {
        var hashes: [UInt64]
        /// The words as written, compared byte for byte when `exactCase`.
        var words: [[UInt8]]
        var exactCase: Bool
        /// Where the name counts (NamePolicy): an English word that is also a name ("Silence") not as the
        /// capitalized word opening a sentence without a cue after it; a guarded word ("Chimera", "Play") only
        /// with a cue after it.
        var nameGuard: NamePolicy.Guard
        /// Text for `via`, e.g. "phrase:password spraying".
        var via: String
        var targets: [Target]
    }

    private(set) var phrases: [Phrase] = []
    private struct Key: Hashable { var hashes: [UInt64]; var exactCase: Bool }
    private var byKey: [Key: Int] = [:]
    /// A word after which a phrase does not count ("phishing-resistant MFA" is not phishing).
    private let resistantHash = Tokenizer.hash("resistant")
    /// The words after which a word is a name (NamePolicy's cues), by kind; one small table built at start-up.
    private enum Cue: Int32 { case verb, noun, adverb, adjective, copula }
    private let cues: HashIndex = {
        var pairs: [(UInt64, Int32)] = []
        for (words, cue) in [(NamePolicy.cueVerbs, Cue.verb), (NamePolicy.cueNouns, .noun), (NamePolicy.cueAdverbs, .adverb),
                             (NamePolicy.cueAdjectives, .adjective), (["is", "was"], .copula)] {
            for w in words { pairs.append((PhraseTable.hash(lowercaseWord: w), cue.rawValue)) }
        }
        return HashIndex(pairs)
    }()
    private let possessiveHash = PhraseTable.hash(lowercaseWord: "s")

    /// The tokenizer's hash of one lowercase ASCII word (`Tokenizer.hash` without its allocations).
    static func hash(lowercaseWord w: StaticString) -> UInt64 {
        var h = Tokenizer.offsetBasis
        for k in 0..<w.utf8CodeUnitCount { h = (h ^ UInt64(w.utf8Start[k])) &* Tokenizer.prime }
        return h | 1
    }

    // The matching loop reads only these flat arrays (no per-candidate reference counting):
    /// First-word hash -> bucket number.
    private var index = HashIndex([])
    /// Bucket b holds phrases bucketItems[bucketStart[b] ..< bucketStart[b + 1]], longest first.
    private var bucketStart: [Int32] = []
    private var bucketItems: [Int32] = []
    /// Phrase p's word hashes are hashPool[hashStart[p] ..< hashStart[p + 1]].
    private var hashStart: [Int32] = []
    private var hashPool: [UInt64] = []
    /// Per phrase: 1 = exact case, plus its `NamePolicy.Guard` raw value (2, 4 or 8).
    private var flags: [UInt8] = []

    func add(_ name: String, exactCase: Bool, nameGuard: NamePolicy.Guard = .none, via: String, target: Target) {
        let (hashes, words) = Tokenizer.words(name)
        guard !hashes.isEmpty else { return }
        let key = Key(hashes: hashes, exactCase: exactCase)
        if let i = byKey[key] {
            if !phrases[i].targets.contains(target) { phrases[i].targets.append(target) }
            return
        }
        byKey[key] = phrases.count
        phrases.append(Phrase(hashes: hashes, words: words, exactCase: exactCase, nameGuard: nameGuard,
                              via: via, targets: [target]))
    }

    /// Drops every phrase with the words of `name` (any case, any separators) and the forms derived
    /// from one (a plural shares its `via`): `--map`'s `phrase:WORDS =`. Call before `seal`. Returns
    /// how many phrases went.
    @discardableResult
    func remove(_ name: String) -> Int {
        let hashes = Tokenizer.words(name).hashes
        guard !hashes.isEmpty else { return 0 }
        let before = phrases.count
        phrases.removeAll { p in
            p.hashes == hashes || Tokenizer.words(String(p.via.drop { $0 != ":" }.dropFirst())).hashes == hashes
        }
        byKey = [:]
        for (i, p) in phrases.enumerated() { byKey[Key(hashes: p.hashes, exactCase: p.exactCase)] = i }
        return before - phrases.count
    }

    /// Builds the first-word index; call after the last `add`.
    func seal() {
        var firstWords: [UInt64: Int32] = [:]
        var buckets: [[Int32]] = []
        for (i, p) in phrases.enumerated() {
            let first = p.hashes[0]
            if let b = firstWords[first] {
                buckets[Int(b)].append(Int32(i))
            } else {
                firstWords[first] = Int32(buckets.count)
                buckets.append([Int32(i)])
            }
        }
        bucketStart = [0]
        bucketItems = []
        for b in buckets {
            bucketItems += b.sorted { phrases[Int($0)].hashes.count > phrases[Int($1)].hashes.count }
            bucketStart.append(Int32(bucketItems.count))
        }
        hashStart = [0]
        hashPool = []
        flags = []
        for p in phrases {
            hashPool += p.hashes
            hashStart.append(Int32(hashPool.count))
            flags.append((p.exactCase ? 1 : 0) | p.nameGuard.rawValue)
        }
        index = HashIndex(firstWords.map { ($0.key, $0.value) })
    }

    /// Calls `found` with each phrase matched in `tokens` of `text`.
    func match(_ tokens: UnsafeBufferPointer<Token>, in text: UnsafeBufferPointer<UInt8>, _ found: (Phrase, Int) -> Void) {
        let n = tokens.count
        let resistant = resistantHash
        bucketStart.withUnsafeBufferPointer { bucketStart in
        bucketItems.withUnsafeBufferPointer { bucketItems in
        hashStart.withUnsafeBufferPointer { hashStart in
        hashPool.withUnsafeBufferPointer { hashPool in
        flags.withUnsafeBufferPointer { flags in
        index.withLookup { lookup in
            var i = 0
            while i < n {
                guard let b = lookup(tokens[i].hash) else { i += 1; continue }
                // The longest match wins; phrases of that length that match too ("Evilnum" the group in any
                // case, "EVILNUM" the malware in capitals) are found with it.
                var matched = 0
                for k in Int(bucketStart[Int(b)])..<Int(bucketStart[Int(b) + 1]) {
                    let p = Int(bucketItems[k])
                    let hs = Int(hashStart[p]), count = Int(hashStart[p + 1]) - hs
                    if matched != 0 && count < matched { break }
                    guard i + count <= n else { continue }
                    var j = 1
                    while j < count && tokens[i + j].hash == hashPool[hs + j] { j += 1 }
                    guard j == count else { continue }
                    let f = flags[p]
                    if f != 0 {
                        if f & 1 != 0 && !sameCase(phrases[p], tokens, i, text) { continue }
                        if f & 2 != 0 && Self.isCapitalized(tokens[i], text) && Self.startsSentence(Int(tokens[i].start), text)
                            && !cueFollows(tokens, i + count, text, nounsOnly: false) { continue }
                        if f & 4 != 0 && !cueFollows(tokens, i + count, text, nounsOnly: false) { continue }
                        if f & 8 != 0 && !cueFollows(tokens, i + count, text, nounsOnly: true) { continue }
                    }
                    if i + count < n, tokens[i + count].hash == resistant { continue }
                    found(phrases[p], i)
                    matched = count
                }
                i += max(matched, 1)
            }
        }
        }
        }
        }
        }
        }
    }

    /// Nothing but spaces, quotes (typographic ones too) or brackets between the start of the text, a line break or
    /// sentence-ending punctuation and `at`; a list item's bullet ("- ", "* ", "• ") after a line break counts as
    /// the line break.
    static func startsSentence(_ at: Int, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var k = at - 1
        var bullet = false
        while k >= 0 {
            let c = text[k]
            if c == 0x20 || c == 0x09 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "(") || c == UInt8(ascii: "'") { k -= 1; continue }
            // An opening typographic quote (U+201C, U+2018).
            if (c == 0x9C || c == 0x98) && k >= 2 && text[k - 1] == 0x80 && text[k - 2] == 0xE2 { k -= 3; continue }
            if !bullet && isBullet(k, text) {
                bullet = true
                k -= c == UInt8(ascii: "-") || c == UInt8(ascii: "*") ? 1 : 3
                continue
            }
            if bullet { return c == 0x0A }
            return c == 0x0A || c == UInt8(ascii: ".") || c == UInt8(ascii: "!") || c == UInt8(ascii: "?") || c == UInt8(ascii: ":")
                || c == UInt8(ascii: ";")
        }
        return true
    }

    /// "-", "*" or "•" (E2 80 A2) ending at `k`, followed by a space or tab.
    private static func isBullet(_ k: Int, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard k + 1 < text.count, text[k + 1] == 0x20 || text[k + 1] == 0x09 else { return false }
        let c = text[k]
        return c == UInt8(ascii: "-") || c == UInt8(ascii: "*") || (c == 0xA2 && k >= 2 && text[k - 1] == 0x80 && text[k - 2] == 0xE2)
    }

    /// The words from token `next` on say the name before them is a name: a possessive "'s" ("Machete’s loader"),
    /// or after spaces, optionally past adverbs ("also"), a verb of `NamePolicy.cueVerbs` ("Silence has used",
    /// "Crimson contains"), "is"/"was" and one of `NamePolicy.cueAdjectives` ("is capable"), or an uncapitalized
    /// noun of `NamePolicy.cueNouns` ("Ninja payload"). `nounsOnly`: only the noun counts.
    private func cueFollows(_ tokens: UnsafeBufferPointer<Token>, _ next: Int, _ text: UnsafeBufferPointer<UInt8>,
                            nounsOnly: Bool) -> Bool {
        guard next < tokens.count else { return false }
        let end = Int(tokens[next - 1].end)
        if !nounsOnly && tokens[next].hash == possessiveHash {
            // ' or ’ (U+2019: E2 80 99)
            let gap = Int(tokens[next].start) - end, first = text[end]
            return (gap == 1 && first == UInt8(ascii: "'")) || (gap == 3 && first == 0xE2 && text[end + 1] == 0x80 && text[end + 2] == 0x99)
        }
        var k = next
        while k < tokens.count {
            // Only spaces between the words.
            for b in Int(tokens[k - 1].end)..<Int(tokens[k].start) where text[b] != 0x20 { return false }
            guard let kind = cues.get(tokens[k].hash).flatMap(Cue.init(rawValue:)) else { return false }
            if kind == .noun { return !Self.isCapitalized(tokens[k], text) }
            if nounsOnly { return false }
            switch kind {
            case .verb: return true
            case .copula:
                return k + 1 < tokens.count && cues.get(tokens[k + 1].hash) == Cue.adjective.rawValue
                    && Int(tokens[k + 1].start) - Int(tokens[k].end) == 1 && text[Int(tokens[k].end)] == 0x20
            case .adverb where k - next < 2: k += 1
            default: return false
            }
        }
        return false
    }

    /// An uppercase letter, then lowercase ones only: how any word is written at the start of a sentence.
    static func isCapitalized(_ token: Token, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(token.start), end = Int(token.end)
        guard start < end, text[start] >= 65, text[start] <= 90 else { return false }
        for k in (start + 1)..<end where !(text[k] >= 97 && text[k] <= 122) { return false }
        return true
    }

    private func sameCase(_ p: Phrase, _ tokens: UnsafeBufferPointer<Token>, _ at: Int, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        for (k, word) in p.words.enumerated() {
            let t = tokens[at + k]
            let len = Int(t.end - t.start)
            guard len == word.count else { return false }
            for j in 0..<len where text[Int(t.start) + j] != word[j] { return false }
        }
        return true
    }

    // MARK: the built-in table

    /// Technique names (not generic ones, not revoked or deprecated; a sub-technique name shared by
    /// several techniques only in its "Parent: Sub" form), and group and software names and aliases
    /// allowed by `NamePolicy`.
    static func builtIn() -> PhraseTable {
        let table = PhraseTable()
        table.addBuiltIn()
        return table
    }

    func addBuiltIn() {
        for t in ATTACK.techniques where t.isActive {
            var names = [t.name]
            if t.isSubtechnique, let parent = ATTACK.technique(id: t.parentID) { names.append(parent.name + ": " + t.name) }
            for name in names where !ATTACK.isGenericTechniqueName(name) {
                // The name must lead back to this technique (or, for a shared name, to its parent).
                guard let resolved = ATTACK.technique(named: name), resolved.id == t.id || resolved.id == t.parentID else { continue }
                let via = "phrase:" + name.lowercased()
                add(name, exactCase: false, via: via, target: .technique(resolved.id))
                // "web shells", "scheduled tasks": the plural of a multi-word name.
                if let plural = Self.plural(name) { add(plural, exactCase: false, via: via, target: .technique(resolved.id)) }
            }
        }
        for (phrase, id) in TechniqueAliases.all where ATTACK.technique(id: id)?.isActive == true {
            add(phrase, exactCase: false, via: "phrase:" + phrase.lowercased(), target: .technique(id))
        }
        addNames(ATTACK.groups.filter(\.isActive).map { ($0.id, [$0.name] + $0.aliases) }) { .group($0) }
        addNames(ATTACK.software.filter(\.isActive).map { ($0.id, [$0.name] + $0.aliases) }) { .software($0) }
    }

    /// The name with its last word pluralized, for names of two or more words whose last word is a
    /// plain lowercase-able noun ("Web Shell" -> "Web Shells"); nil otherwise.
    static func plural(_ name: String) -> String? {
        let u = Array(name.utf8)
        guard let space = u.lastIndex(of: 0x20), u.count - space - 1 >= 3 else { return nil }
        let last = u[(space + 1)...]
        guard last.allSatisfy({ ($0 | 0x20) >= 97 && ($0 | 0x20) <= 122 }), let end = last.last,
              !["s", "x", "y", "h"].contains(where: { UInt8(ascii: $0) == end | 0x20 }) else { return nil }
        return name + "s"
    }

    private func addNames(_ objects: [(id: String, names: [String])], _ target: (String) -> Target) {
        // An alias that two objects of the same kind share names neither, unless it is the name of one of
        // them ("Thrip" is a group and an alias of Lotus Blossom: it names the group Thrip).
        var owners: [String: Set<String>] = [:]
        var namedBy: [String: Set<String>] = [:]
        for o in objects {
            for name in o.names { owners[name, default: []].insert(o.id) }
            if let name = o.names.first { namedBy[name, default: []].insert(o.id) }
        }
        func owns(_ id: String, _ name: String) -> Bool {
            owners[name]?.count == 1 || namedBy[name] == [id]
        }
        for o in objects {
            for name in Set(o.names) where owns(o.id, name) {
                let wordCount = Tokenizer.words(name).hashes.count
                guard let nameGuard = NamePolicy.guardInText(name, wordCount: wordCount) else { continue }
                // A guarded word counts only as ATT&CK spells it ("Chimera", not "chimera").
                let exactCase = nameGuard == .cue || nameGuard == .nounCue || NamePolicy.requiresExactCase(name, wordCount: wordCount)
                add(name, exactCase: exactCase, nameGuard: nameGuard, via: "phrase:" + name, target: target(o.id))
            }
        }
    }
}
