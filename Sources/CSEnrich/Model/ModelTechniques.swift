import CSCore

/// Finds techniques in a record's text with the trained model: every sentence of the title, summary
/// (its markup left out), content_text and each member of sections is scored; a hedged sentence's score
/// is lowered (Hedging); a technique is reported when a sentence reaches the threshold, with its best
/// sentences (at most three) as evidence.
final class ModelTechniques {
    let scorer: SentenceScorer
    /// The calibrated score a sentence needs (the model's own threshold, or `--min-confidence`).
    let threshold: Double
    private var text = TextBuffer()
    private let tokenStorage = TokenStorage()
    /// Class number -> its evidence so far in this record.
    private var found: [Int: [Enrichment.Evidence]] = [:]
    /// The sentences of this record scored so far (by their words): sections and summary mostly repeat
    /// content_text, and a repeated sentence adds nothing but time.
    private var seen = Set<UInt64>()

    /// Sentences longer than this are cut in evidence (the score is of the whole sentence).
    static let evidenceBytes = 400
    static let evidenceCount = 3
    /// Shorter "sentences" are headings ("Impact", "Attack Chain") and labels: too little to go on.
    static let minimumWords = 4

    init(model: TechniqueModel, minConfidence: Double?) {
        scorer = SentenceScorer(model: model)
        threshold = minConfidence ?? model.threshold
    }

    func find(in scanner: RecordScanner, into e: inout Enrichment) {
        found.removeAll(keepingCapacity: true)
        seen.removeAll(keepingCapacity: true)
        score(field: "title", scanner.value("title"), markup: false)
        score(field: "summary", scanner.value("summary"), markup: true)
        score(field: "content_text", scanner.value("content_text"), markup: false)
        scanner.value("sections")?.forEachMember { ks, ke, esc, value in
            let name = String(decoding: UnsafeBufferPointer(start: ks, count: ke - ks), as: UTF8.self)
            score(field: "sections." + name, value, markup: false)
            return true
        }
        // In class order, not the dictionary's (which differs between instances): the order techniques are
        // added in is the order of the "technique:" vias of the tactics they imply.
        let classes = scorer.model.classes
        for c in found.keys.sorted() {
            e.addModelTechnique(classes[c], evidence: found[c]!)
        }
    }

    /// A string, or an array of strings (each its own sentences).
    private func score(field: String, _ ref: JSONRef?, markup: Bool) {
        guard let ref else { return }
        text.reset()
        if ref.isArray {
            _ = ref.forEachElement { element in text.append(element); return true }
        } else if markup {
            text.appendMarkup(ref)
        } else {
            text.append(ref)
        }
        guard !text.bytes.isEmpty else { return }
        let storage = tokenStorage
        let scorer = self.scorer, threshold = self.threshold
        var seen = self.seen   // moved out and back: one owner, no copy on insert
        self.seen = []
        defer { self.seen = seen }
        text.withMutableBytes { b in
            let t = UnsafeBufferPointer(b)
            let tokens = storage.reserve(forText: t.count)
            // The field's words in one pass; sentences are ranges of them.
            let all = UnsafeBufferPointer(start: tokens, count: Tokenizer.tokenize(t, into: tokens))
            Sentences.forEach(in: t, tokens: all) { range, words in
                let count = words.count
                guard count >= Self.minimumWords else { return }
                let sentenceTokens = UnsafeBufferPointer(rebasing: all[words])
                var key = UInt64(count)
                for token in sentenceTokens { key = (key &* Tokenizer.prime) ^ token.hash }
                guard seen.insert(key).inserted else { return }
                // Hedging is looked at only when a class passes: most sentences pass none.
                var passed: [(Int, Double)] = []
                scorer.score(sentenceTokens, minimum: threshold) { c, p in passed.append((c, p)) }
                guard !passed.isEmpty else { return }
                let weight = Hedging.isHedged(sentenceTokens, in: t, sentenceStart: range.lowerBound) ? Hedging.weight : 1
                var sentence: String?
                for (c, p) in passed where p * weight >= threshold {
                    if sentence == nil { sentence = Self.evidenceText(UnsafeBufferPointer(rebasing: t[range])) }
                    add(c, Enrichment.Evidence(text: sentence!, score: p * weight, field: field))
                }
            }
        }
    }

    /// Keeps the best sentences per technique, best first (the earlier one on a tie), without repeats
    /// (a summary is often the start of content_text).
    private func add(_ c: Int, _ evidence: Enrichment.Evidence) {
        var list = found[c] ?? []
        guard !list.contains(where: { $0.text == evidence.text }) else { return }
        let at = list.firstIndex { $0.score < evidence.score } ?? list.count
        guard at < Self.evidenceCount else { return }
        list.insert(evidence, at: at)
        if list.count > Self.evidenceCount { list.removeLast() }
        found[c] = list
    }

    /// The sentence as evidence: cut at a character boundary after `evidenceBytes`, spaces collapsed.
    static func evidenceText(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(min(bytes.count, evidenceBytes + 3))
        var space = false
        for c in bytes {
            if Sentences.isSpace(c) { space = true; continue }
            if space, !out.isEmpty { out.append(0x20) }
            space = false
            if out.count >= evidenceBytes, c & 0xC0 != 0x80 {
                out.append(contentsOf: "…".utf8)
                break
            }
            out.append(c)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
