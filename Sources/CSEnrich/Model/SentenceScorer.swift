#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Scores one sentence with a TechniqueModel: the same features as the trainer (Sources/attack-model/
/// features.py: each word and each pair of adjacent words hashed into a bucket, present once, the
/// vector of unit length), then a sparse dot product per bucket. Reuses its buffers between sentences.
final class SentenceScorer {
    let model: TechniqueModel
    private var buckets: [Int] = []
    private var sums: [Double]

    init(model: TechniqueModel) {
        self.model = model
        sums = [Double](repeating: 0, count: model.classes.count)
        buckets.reserveCapacity(256)
    }

    /// Raw scores of every class for the sentence whose tokens are `tokens` (in `sums` on return).
    private func accumulate(_ tokens: UnsafeBufferPointer<Token>) -> Double {
        buckets.removeAll(keepingCapacity: true)
        var previous: UInt64 = 0
        for (k, token) in tokens.enumerated() {
            buckets.append(model.bucket(token.hash))
            if k > 0 { buckets.append(model.bucket((previous &* model.pairMultiplier) ^ token.hash)) }
            previous = token.hash
        }
        buckets.sort()
        var distinct = 0
        for k in 0..<sums.count { sums[k] = 0 }
        model.offsets.withUnsafeBufferPointer { offsets in
        model.entryClasses.withUnsafeBufferPointer { classes in
        model.entryWeights.withUnsafeBufferPointer { weights in
        sums.withUnsafeMutableBufferPointer { sums in
            var last = -1
            for b in buckets where b != last {
                last = b
                distinct += 1
                for e in Int(offsets[b])..<Int(offsets[b + 1]) { sums[Int(classes[e])] += Double(weights[e]) }
            }
        }
        }
        }
        }
        return distinct == 0 ? 0 : model.weightScale / Double(distinct).squareRoot()
    }

    /// Calls `found` with each class whose calibrated probability times `weight` reaches `minimum`.
    func score(_ tokens: UnsafeBufferPointer<Token>, weight: Double, minimum: Double, _ found: (Int, Double) -> Void) {
        let factor = accumulate(tokens)
        let rawMinimum = model.rawScore(forProbability: min(minimum / weight, 1))
        for c in 0..<sums.count {
            let raw = model.intercepts[c] + factor * sums[c]
            guard raw >= rawMinimum else { continue }
            let p = model.probability(raw) * weight
            if p >= minimum { found(c, p) }
        }
    }

    /// Every class's calibrated probability for `sentence` (tests, tools).
    func probabilities(_ sentence: String) -> [Double] {
        let bytes = Array(sentence.utf8)
        let storage = UnsafeMutablePointer<Token>.allocate(capacity: bytes.count / 2 + 2)
        defer { storage.deallocate() }
        let count = bytes.withUnsafeBufferPointer { Tokenizer.tokenize($0, into: storage) }
        let factor = accumulate(UnsafeBufferPointer(start: storage, count: count))
        return (0..<sums.count).map { model.probability(model.intercepts[$0] + factor * sums[$0]) }
    }
}
