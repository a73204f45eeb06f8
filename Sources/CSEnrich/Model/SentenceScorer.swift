#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Scores one sentence with a TechniqueModel: the same features as the trainer (Sources/attack-model/
/// features.py: each word and each pair of adjacent words hashed into a bucket, present once, the
/// vector of unit length), then a sparse dot product per bucket. Reuses its buffers between sentences.
/// Most sentences reach no class: the highest sum bounds every class's score exactly, and when that
/// bound falls short, no class is looked at.
final class SentenceScorer {
    let model: TechniqueModel
    // Scratch memory, allocated once here and freed in deinit (raw pointers: the hot loop makes no
    // exclusivity checks or reference counting).
    /// The buckets of the current sentence, so a repeated one counts once: a small open-addressing table
    /// (it stays in the L1 cache, where a stamp per bucket of the model would not) of
    /// `generation << 32 | bucket`; an older generation is an empty slot.
    private var seen: UnsafeMutablePointer<UInt64>
    private var seenMask = 0
    /// The spans of the sentence's distinct buckets, read in a first pass (independent reads the CPU
    /// overlaps) before their weights are summed in a second; as many slots as `seen`.
    private var picked: UnsafeMutablePointer<UInt32>
    private var generation: UInt64 = 0
    /// Per class, the sum of the sentence's quantized weights (all classes: zeroing 216 numbers costs less
    /// than tracking which ones a sentence touched).
    private let sums: UnsafeMutablePointer<Int32>
    private let classCount: Int
    /// The highest intercept: no class scores more than it plus the highest sum times the factor.
    private let maxIntercept: Double

    init(model: TechniqueModel) {
        self.model = model
        classCount = model.classes.count
        seenMask = 255
        seen = .allocate(capacity: seenMask + 1)
        seen.initialize(repeating: 0, count: seenMask + 1)
        picked = .allocate(capacity: seenMask + 1)
        sums = .allocate(capacity: classCount)
        sums.initialize(repeating: 0, count: classCount)
        maxIntercept = model.intercepts.max() ?? 0
    }

    deinit {
        seen.deallocate()
        picked.deallocate()
        sums.deallocate()
    }

    /// Room for `features` buckets at most half full; a new generation (the table emptied by it).
    private func startSentence(features: Int) {
        if features * 2 > seenMask + 1 {
            var size = seenMask + 1
            while features * 2 > size { size *= 2 }
            seen.deallocate()
            seen = .allocate(capacity: size)
            seen.initialize(repeating: 0, count: size)
            picked.deallocate()
            picked = .allocate(capacity: size)
            seenMask = size - 1
            generation = 0
        }
        generation += 1
        if generation == 1 << 32 {   // wrapped: old slots could look current
            seen.update(repeating: 0, count: seenMask + 1)
            generation = 1
        }
    }

    /// Sums the quantized weights of the sentence's buckets per class (in `sums`); returns the factor
    /// that turns a sum into a score (weight scale / vector length).
    private func accumulate(_ tokens: UnsafeBufferPointer<Token>) -> Double {
        let sums = self.sums
        sums.update(repeating: 0, count: classCount)
        startSentence(features: 2 * tokens.count)
        let seen = self.seen, seenMask = self.seenMask, current = generation << 32, picked = self.picked
        let mask = model.bucketMask, shift = model.mixShift, multiplier = model.pairMultiplier
        let countBits = TechniqueModel.spanCountBits, countMask = TechniqueModel.spanCountMask
        var distinct = 0
        model.spans.withUnsafeBufferPointer { spans in
        model.entries.withUnsafeBufferPointer { entries in
            @inline(__always) func add(_ h: UInt64) {
                let b = (h ^ (h >> shift)) & mask
                let key = current | b
                var slot = Int(truncatingIfNeeded: b) & seenMask
                while true {
                    let v = seen[slot]
                    if v == key { return }
                    if v & 0xFFFF_FFFF_0000_0000 != current { break }
                    slot = (slot + 1) & seenMask
                }
                seen[slot] = key
                picked[distinct] = spans[Int(truncatingIfNeeded: b)]
                distinct += 1
            }
            var previous: UInt64 = 0
            for k in 0..<tokens.count {
                let h = tokens[k].hash
                add(h)
                if k > 0 { add((previous &* multiplier) ^ h) }
                previous = h
            }
            for k in 0..<distinct {
                let span = picked[k]
                let first = Int(span >> countBits)
                for e in first..<first + Int(span & countMask) {
                    let entry = entries[e]
                    sums[Int(entry & 0xFFFF)] &+= Int32(Int16(truncatingIfNeeded: entry >> 16))
                }
            }
        }
        }
        return distinct == 0 ? 0 : model.weightScale / Double(distinct).squareRoot()
    }

    /// Calls `found` with each class whose calibrated probability reaches `minimum`.
    func score(_ tokens: UnsafeBufferPointer<Token>, minimum: Double, _ found: (Int, Double) -> Void) {
        let factor = accumulate(tokens)
        let rawMinimum = model.rawScore(forProbability: min(minimum, 1))
        // Exact: every class's intercept is at most maxIntercept and its sum at most the highest, and
        // rounding keeps that order (the factor is not negative), so no class passes when this does not.
        var highest = sums[0]
        for c in 1..<classCount { highest = max(highest, sums[c]) }
        guard maxIntercept + factor * Double(highest) >= rawMinimum else { return }
        for c in 0..<classCount { check(c, factor, rawMinimum, found) }
    }

    @inline(__always) private func check(_ c: Int, _ factor: Double, _ rawMinimum: Double, _ found: (Int, Double) -> Void) {
        let raw = model.intercepts[c] + factor * Double(sums[c])
        if raw >= rawMinimum { found(c, model.probability(raw)) }
    }

    /// Every class's calibrated probability for `sentence` (tests, tools).
    func probabilities(_ sentence: String) -> [Double] {
        let bytes = Array(sentence.utf8)
        let storage = UnsafeMutablePointer<Token>.allocate(capacity: bytes.count / 2 + 2)
        defer { storage.deallocate() }
        let count = bytes.withUnsafeBufferPointer { Tokenizer.tokenize($0, into: storage) }
        let factor = accumulate(UnsafeBufferPointer(start: storage, count: count))
        return (0..<classCount).map { model.probability(model.intercepts[$0] + factor * Double(sums[$0])) }
    }
}
