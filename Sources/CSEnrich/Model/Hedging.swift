/// Hedged and negated sentences ("potentially through phishing", "may", "could", "no evidence of",
/// "does not", "unlike", "not observed"): what they name is not reported as seen, so their weight is
/// lowered, for model scores and for phrase matches alike. IDs written in the text and tags stay exact.
enum Hedging {
    /// A hedged sentence's model score is multiplied by this; a hedged phrase match is not used.
    static let weight = 0.5

    private static let cues = ["potentially", "possibly", "perhaps", "may", "might", "could", "unlike",
                               "not", "never", "hypothetically", "theoretically", "unconfirmed", "cannot"].map(Tokenizer.hash)
    /// "doesn't", "didn't"… are tokenized as "doesn" "t".
    private static let contractions = ["doesn", "didn", "isn", "wasn", "weren", "aren", "don", "hasn",
                                       "haven", "hadn", "couldn", "wouldn", "won"].map(Tokenizer.hash)
    /// "no evidence of", "no indication", "no sign of".
    private static let afterNo = ["evidence", "indication", "indications", "sign", "signs", "signal"].map(Tokenizer.hash)
    private static let no = Tokenizer.hash("no")
    private static let t = Tokenizer.hash("t")
    private static let may = Tokenizer.hash("may")
    private static let only = Tokenizer.hash("only")
    /// Every word above, as what it is (one probe per token, no hashing of the hash).
    private static let isCue: Int32 = 1, isContraction: Int32 = 2, isNo: Int32 = 4, isAfterNo: Int32 = 8
    private static let kinds: HashIndex = {
        var kind: [UInt64: Int32] = [:]
        for h in cues { kind[h, default: 0] |= isCue }
        for h in contractions { kind[h, default: 0] |= isContraction }
        for h in afterNo { kind[h, default: 0] |= isAfterNo }
        kind[no, default: 0] |= isNo
        return HashIndex(kind.map { ($0.key, $0.value) })
    }()

    /// True when the sentence whose tokens are `tokens` (it starts at byte `sentenceStart` of `text`) hedges.
    static func isHedged(_ tokens: UnsafeBufferPointer<Token>, in text: UnsafeBufferPointer<UInt8>, sentenceStart: Int) -> Bool {
        let n = tokens.count
        let kinds = Self.kinds
        for i in 0..<n {
            guard let kind = kinds.get(tokens[i].hash) else { continue }
            let h = tokens[i].hash
            if kind & isCue != 0 {
                let next = i + 1 < n ? tokens[i + 1] : nil
                // "May 2024", "in May": the month, written with a capital M.
                if h == may, text[Int(tokens[i].start)] == UInt8(ascii: "M"),
                   Int(tokens[i].start) != sentenceStart || next?.isNumber == true { continue }
                if next?.hash == only { continue }   // "not only … but also"
                return true
            }
            if kind & isContraction != 0, i + 1 < n, tokens[i + 1].hash == t { return true }
            if kind & isNo != 0, i + 1 < n, let after = kinds.get(tokens[i + 1].hash), after & isAfterNo != 0 { return true }
        }
        return false
    }
}
