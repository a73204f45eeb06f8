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
    /// Per bucket, the sentence number that last used it: duplicates are skipped without sorting.
    private let bucketStamp: UnsafeMutablePointer<UInt32>
    private let bucketCount: Int
    private var stamp: UInt32 = 0
    private let sums: UnsafeMutablePointer<Int32>
    private let isTouched: UnsafeMutablePointer<Bool>
    private let touched: UnsafeMutablePointer<Int32>
    private var touchedCount = 0
    private let classCount: Int
    /// The highest intercept: a class no bucket touches scores its intercept, so none can pass below this.
    private let maxIntercept: Double

    init(model: TechniqueModel) {
        self.model = model
        bucketCount = Int(model.bucketMask) + 1
        classCount = model.classes.count
        // calloc: zeroed pages come on first touch, not at start-up.
        bucketStamp = calloc(bucketCount, MemoryLayout<UInt32>.stride)!.assumingMemoryBound(to: UInt32.self)
        sums = .allocate(capacity: classCount)
        sums.initialize(repeating: 0, count: classCount)
        isTouched = .allocate(capacity: classCount)
        isTouched.initialize(repeating: false, count: classCount)
        touched = .allocate(capacity: classCount)
        maxIntercept = model.intercepts.max() ?? 0
    }

    deinit {
        free(bucketStamp)
        sums.deallocate()
        isTouched.deallocate()
        touched.deallocate()
    }

    /// Sums the quantized weights of the sentence's buckets per class (in `sums`, classes in `touched`);
    /// returns the factor that turns a sum into a score (weight scale / vector length).
    private func accumulate(_ tokens: UnsafeBufferPointer<Token>) -> Double {
        let sums = self.sums, isTouched = self.isTouched, touched = self.touched, stamps = bucketStamp
        for k in 0..<touchedCount { let c = Int(touched[k]); sums[c] = 0; isTouched[c] = false }
        var count = 0
        stamp &+= 1
        if stamp == 0 {   // wrapped: old stamps could look current
            stamps.update(repeating: 0, count: bucketCount)
            stamp = 1
        }
        let stamp = self.stamp, mask = model.bucketMask, shift = model.mixShift, multiplier = model.pairMultiplier
        var distinct = 0
        model.offsets.withUnsafeBufferPointer { offsets in
        model.entryClasses.withUnsafeBufferPointer { classes in
        model.entryWeights.withUnsafeBufferPointer { weights in
            @inline(__always) func add(_ h: UInt64) {
                let b = Int(truncatingIfNeeded: (h ^ (h >> shift)) & mask)
                guard stamps[b] != stamp else { return }
                stamps[b] = stamp
                distinct += 1
                for e in Int(offsets[b])..<Int(offsets[b + 1]) {
                    let c = Int(classes[e])
                    sums[c] &+= Int32(weights[e])
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
