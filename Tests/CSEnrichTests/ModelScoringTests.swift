@testable import CSEnrich
import CSCore
import CSTestSupport
import XCTest

/// SentenceScorer's fast path (bucket spans, packed weights, a small table for the sentence's repeated
/// buckets that grows with long sentences) gives the scores of the plain definition, and model
/// techniques reach a record in a fixed order.
final class ModelScoringTests: XCTestCase {
    static var model: TechniqueModel { TechniqueModelTests.model }

    /// Scores by the definition: the set of buckets present, each bucket's weights summed per class.
    private func reference(_ sentence: String) -> [Double] {
        let model = Self.model
        let bytes = Array(sentence.utf8)
        let storage = UnsafeMutablePointer<Token>.allocate(capacity: bytes.count / 2 + 2)
        defer { storage.deallocate() }
        let count = bytes.withUnsafeBufferPointer { Tokenizer.tokenize($0, into: storage) }
        var buckets = Set<Int>()
        for k in 0..<count {
            buckets.insert(model.bucket(storage[k].hash))
            if k > 0 { buckets.insert(model.bucket((storage[k - 1].hash &* model.pairMultiplier) ^ storage[k].hash)) }
        }
        var sums = [Int](repeating: 0, count: model.classes.count)
        for b in buckets {
            let span = model.spans[b]
            let first = Int(span >> TechniqueModel.spanCountBits)
            for e in first..<first + Int(span & TechniqueModel.spanCountMask) {
                sums[Int(model.entries[e] & 0xFFFF)] += Int(Int16(truncatingIfNeeded: model.entries[e] >> 16))
            }
        }
        let factor = buckets.isEmpty ? 0 : model.weightScale / Double(buckets.count).squareRoot()
        return sums.indices.map { model.probability(model.intercepts[$0] + factor * Double(sums[$0])) }
    }

    private func sentences() -> [String] {
        var rng = SeededRandom(state: 14)
        let words = ("attackers used powershell to download a payload and dumped lsass memory with procdump then moved laterally "
                     + "over smb with psexec created a scheduled task for persistence exfiltrated archives over https to cloud storage "
                     + "the malware enumerates running processes and collects system information encrypted files for impact").split(separator: " ").map(String.init)
        var out = ["Attackers dumped LSASS memory with ProcDump to harvest credentials.",
                   "the the the the the the the the",   // one word repeated: one bucket, one pair bucket
                   "x"]
        for n in [3, 8, 20, 60, 150, 400, 1500] {   // long ones make the table grow
            for _ in 0..<20 {
                out.append((0..<n).map { _ in words[rng.below(words.count)] }.joined(separator: " "))
            }
        }
        return out
    }

    func testScoresEqualTheDefinitionForShortLongAndRepetitiveSentences() {
        let scorer = SentenceScorer(model: Self.model)
        // Each sentence twice, short and long mixed: the table's generations and growth must not leak
        // buckets from one sentence into the next.
        let all = sentences()
        for sentence in all + all.reversed() {
            let fast = scorer.probabilities(sentence), slow = reference(sentence)
            XCTAssertEqual(fast.count, slow.count)
            for c in fast.indices where abs(fast[c] - slow[c]) > 1e-12 {
                XCTFail("\(Self.model.classes[c]) for \(sentence.prefix(80))…: \(fast[c]) against \(slow[c])")
                return
            }
        }
    }

    func testThresholdPathReportsExactlyTheClassesThatReachIt() {
        let scorer = SentenceScorer(model: Self.model)
        for sentence in sentences() {
            let p = reference(sentence)
            var bytes = Array(sentence.utf8)
            let storage = UnsafeMutablePointer<Token>.allocate(capacity: bytes.count / 2 + 2)
            defer { storage.deallocate() }
            let count = bytes.withUnsafeMutableBufferPointer { Tokenizer.tokenize(UnsafeBufferPointer($0), into: storage) }
            for minimum in [0.3, Self.model.threshold, 0.9] {
                var found: [Int] = []
                scorer.score(UnsafeBufferPointer(start: storage, count: count), minimum: minimum) { c, _ in found.append(c) }
                // A hair around the threshold is left out: the two compare in different units.
                let want = p.indices.filter { p[$0] >= minimum + 1e-9 }
                let allowed = Set(p.indices.filter { p[$0] >= minimum - 1e-9 })
                XCTAssertTrue(Set(want).isSubset(of: Set(found)) && Set(found).isSubset(of: allowed), "\(sentence.prefix(80)) at \(minimum)")
            }
        }
    }

    /// Sentences found between the words of a field's tokens are the sentences of the byte scan, with
    /// exactly the words a sentence's own tokenization gives.
    func testSentencesBetweenTokensEqualTheByteScan() {
        var rng = SeededRandom(state: 7)
        let pieces = ["word", "Attack", "e.g.", "U.S.", "x.", "end.", "end!", "why?", " ", " ", "  ", "\n", "\n\n", ".", "...", "comsvcs.dll",
                      "(2)", "4688", "ünïcode", "\t", "?!", "a", "\r\n"]
        for round in 0..<400 {
            let text = (0..<rng.below(40)).map { _ in pieces[rng.below(pieces.count)] }.joined(separator: rng.below(3) == 0 ? "" : " ")
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { t in
                var byScan: [(Range<Int>, [UInt64])] = []
                let scratch = UnsafeMutablePointer<Token>.allocate(capacity: t.count / 2 + 2)
                defer { scratch.deallocate() }
                Sentences.forEach(in: t) { range in
                    let n = Tokenizer.tokenize(UnsafeBufferPointer(rebasing: t[range]), offset: range.lowerBound, into: scratch)
                    byScan.append((range, (0..<n).map { scratch[$0].hash }))
                }
                let all = UnsafeMutablePointer<Token>.allocate(capacity: t.count / 2 + 2)
                defer { all.deallocate() }
                let tokens = UnsafeBufferPointer(start: all, count: Tokenizer.tokenize(t, into: all))
                var byTokens: [(Range<Int>, [UInt64])] = []
                Sentences.forEach(in: t, tokens: tokens) { range, words in byTokens.append((range, tokens[words].map(\.hash))) }
                XCTAssertEqual(byTokens.map(\.0), byScan.map(\.0), "round \(round): \(text.debugDescription)")
                XCTAssertEqual(byTokens.map(\.1), byScan.map(\.1), "round \(round): \(text.debugDescription)")
            }
        }
    }

    /// The tactic a model technique implies lists its techniques in class (ID) order, whatever the
    /// enricher instance (the dictionary of found techniques iterates in a per-instance order).
    func testImpliedTacticViasComeInClassOrder() throws {
        let line = recordLine(title: "Discovery", text: "The malware collects system information such as the OS version, hostname and installed hotfixes with systeminfo. "
                              + "It then enumerates running processes with tasklist to find security products. It lists network shares with net view. "
                              + "It queries the registry for installed software.")
        var outputs = Set<String>()
        for _ in 0..<8 {
            let e = try Enricher(model: Self.model).enrichment(ofLine: line)
            let discovery = try XCTUnwrap(e.tactics.first { $0.id == "TA0007" })
            let implied = discovery.via.filter { $0.hasPrefix("technique:") }
            XCTAssertGreaterThanOrEqual(implied.count, 3, "\(discovery.via)")
            XCTAssertEqual(implied, implied.sorted { Enrichment.idOrder($0, $1) })
            outputs.insert(try Enricher(model: Self.model).enrich(line: line))
        }
        XCTAssertEqual(outputs.count, 1)
    }
}
