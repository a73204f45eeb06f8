#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Scores one sentence with a TechniqueModel: the same features as the trainer (Sources/attack-model/
/// features.py: each word and each pair of adjacent words hashed into a bucket, present once, the
/// vector of unit length), then a sparse dot product per bucket. Reuses its buffers between sentences;
/// only the classes a sentence's buckets touch are summed and reset (most sentences touch few).
final class SentenceScorer {
    let model: TechniqueModel
    // Scratch memory, allocated once here and freed in deinit (raw pointers: the hot loop makes no
    // exclusivity checks or reference counting).
    /// The buckets of the current sentence, so a repeated one counts once: a small open-addressing table
    /// (it stays in the L1 cache, where a stamp per bucket of the model would not) of
    /// `generation << 32 | bucket`; an older generation is an empty slot.
    private var seen: UnsafeMutablePointer<UInt64>
    private var seenMask = 0
    private var generation: UInt64 = 0
    private let sums: UnsafeMutablePointer<Int32>
    private let isTouched: UnsafeMutablePointer<Bool>
    private let touched: UnsafeMutablePointer<Int32>
    private var touchedCount = 0
    private let classCount: Int
    /// The highest intercept: a class no bucket touches scores its intercept, so none can pass below this.
    private let maxIntercept: Double

    init(model: TechniqueModel) {
        self.model = model
        classCount = model.classes.count
        seenMask = 255
        seen = .allocate(capacity: seenMask + 1)
        seen.initialize(repeating: 0, count: seenMask + 1)
        sums = .allocate(capacity: classCount)
        sums.initialize(repeating: 0, count: classCount)
        isTouched = .allocate(capacity: classCount)
        isTouched.initialize(repeating: false, count: classCount)
        touched = .allocate(capacity: classCount)
        maxIntercept = model.intercepts.max() ?? 0
    }

    deinit {
        seen.deallocate()
        sums.deallocate()
        isTouched.deallocate()
        touched.deallocate()
    }

    /// Room for `features` buckets at most half full; a new generation (the table emptied by it).
    private func startSentence(features: Int) {
        if features * 2 > seenMask + 1 {
            var size = seenMask + 1
            while features * 2 > size { size *= 2 }
            seen.deallocate()
            seen = .allocate(capacity: size)
            seen.initialize(repeating: 0, count: size)
            seenMask = size - 1
            generation = 0
        }
        generation += 1
        if generation == 1 << 32 {   // wrapped: old slots could look current
            seen.update(repeating: 0, count: seenMask + 1)
            generation = 1
        }
    }

    /// Sums the quantized weights of the sentence's buckets per class (in `sums`, classes in `touched`);
    /// returns the factor that turns a sum into a score (weight scale / vector length).
    private func accumulate(_ tokens: UnsafeBufferPointer<Token>) -> Double {
        let sums = self.sums, isTouched = self.isTouched, touched = self.touched
        for k in 0..<touchedCount { let c = Int(touched[k]); sums[c] = 0; isTouched[c] = false }
        var count = 0
        startSentence(features: 2 * tokens.count)
        let seen = self.seen, seenMask = self.seenMask, current = generation << 32
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
                distinct += 1
                let span = spans[Int(truncatingIfNeeded: b)]
                let first = Int(span >> countBits)
                for e in first..<first + Int(span & countMask) {
                    let entry = entries[e]
                    let c = Int(entry & 0xFFFF)
                    sums[c] &+= Int32(Int16(truncatingIfNeeded: entry >> 16))
                    if !isTouched[c] { isTouched[c] = true; touched[count] = Int32(c); count += 1 }
                }
            }
            var previous: UInt64 = 0
            for k in 0..<tokens.count {
                let h = tokens[k].hash
                add(h)
                if k > 0 { add((previous &* multiplier) ^ h) }
                previous = h
            }
        }
        }
        touchedCount = count
        return distinct == 0 ? 0 : model.weightScale / Double(distinct).squareRoot()
    }

    /// Calls `found` with each class whose calibrated probability reaches `minimum`.
    func score(_ tokens: UnsafeBufferPointer<Token>, minimum: Double, _ found: (Int, Double) -> Void) {
        let factor = accumulate(tokens)
        let rawMinimum = model.rawScore(forProbability: min(minimum, 1))
        if maxIntercept >= rawMinimum {
            for c in 0..<classCount { check(c, factor, rawMinimum, found) }
        } else {
            for k in 0..<touchedCount { check(Int(touched[k]), factor, rawMinimum, found) }
        }
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
