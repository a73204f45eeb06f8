@testable import CSEnrich
import CSAttack
import CSCore
import CSTestSupport
import Foundation
import XCTest

/// The committed technique model (Sources/attack-model): Swift's features and scores agree with the
/// trainer's, damaged files are refused, and documents get model techniques with their evidence.
final class TechniqueModelTests: XCTestCase {
    static let modelURL = repositoryRoot.appendingPathComponent("Sources/attack-model/technique-model.bin")
    static let modelPath = modelURL.path
    nonisolated(unsafe) static let model = try! TechniqueModel(path: modelPath)
    nonisolated(unsafe) static let enricher = Enricher(model: model)

    func testSwiftScoresEqualTheTrainersOnGoldenSentences() throws {
        let golden = try String(contentsOfFile: repositoryRoot.appendingPathComponent("Sources/attack-model/golden.ndjson").path, encoding: .utf8)
        let scorer = SentenceScorer(model: Self.model)
        var checked = 0
        for line in golden.split(separator: "\n") {
            let entry = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let text = try XCTUnwrap(entry["text"] as? String)
            let top = try XCTUnwrap(entry["top"] as? [[Any]])
            let p = scorer.probabilities(text)
            for pair in top {
                let id = try XCTUnwrap(pair[0] as? String), want = try XCTUnwrap(pair[1] as? Double)
                let k = try XCTUnwrap(Self.model.classes.firstIndex(of: id), id)
                XCTAssertEqual(p[k], want, accuracy: 2e-6, "\(text): \(id)")
            }
            // The same best class.
            let best = p.indices.max { p[$0] < p[$1] }!
            XCTAssertEqual(Self.model.classes[best], top[0][0] as? String, text)
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 20)
    }

    func testHeaderDescribesTheModel() {
        XCTAssertEqual(Self.model.attackVersion, "18.1")
        XCTAssertGreaterThan(Self.model.classes.count, 150)
        XCTAssertTrue(Self.model.classes.allSatisfy { ATTACK.technique(id: $0) != nil }, "every class is a technique CSAttack knows")
        XCTAssertGreaterThan(Self.model.threshold, 0.3)
        XCTAssertLessThan(Self.model.threshold, 1)
    }

    // MARK: damaged files

    private func damaged(_ change: (inout [UInt8]) -> Void) throws -> String {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.modelPath)))
        change(&bytes)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cs-model-\(UUID().uuidString).bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    private func assertRefused(_ path: String, _ reason: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try TechniqueModel(path: path)
            XCTFail("a damaged model was loaded", file: file, line: line)
        } catch {
            XCTAssertTrue(error.description.contains(path), "the error names the file: \(error)", file: file, line: line)
            XCTAssertTrue(error.description.contains(reason), "\(error)", file: file, line: line)
        }
    }

    func testTruncatedFileIsRefused() throws {
        assertRefused(try damaged { $0.removeLast($0.count / 3) }, "checksum mismatch")
        assertRefused(try damaged { $0.removeLast($0.count - 20) }, "too short")
        assertRefused(try damaged { $0 = Array($0.prefix(4)) }, "wrong magic")
    }

    func testFlippedByteIsRefused() throws {
        assertRefused(try damaged { $0[$0.count / 2] ^= 0x10 }, "checksum mismatch")
        assertRefused(try damaged { $0[$0.count - 1] ^= 0x01 }, "checksum mismatch")
    }

    func testWrongMagicIsRefused() throws {
        assertRefused(try damaged { $0[0] = UInt8(ascii: "X") }, "wrong magic")
    }

    func testMissingFileIsRefused() {
        assertRefused("/nonexistent-dir/technique-model.bin", "No such file")
    }

    // MARK: documents

    private func record(title: String = "Advisory", summary: String? = nil, text: String? = nil, sections: [String: Any]? = nil) -> String {
        recordLine(title: title, summary: summary, text: text, extra: sections.map { ["sections": $0] } ?? [:])
    }

    func testModelTechniqueHasViaAndEvidence() throws {
        let e = try Self.enricher.enrichment(ofLine: record(text: "The report is short. Attackers dumped LSASS memory with ProcDump to harvest credentials."))
        let t = try XCTUnwrap(e.techniques.first { $0.id == "T1003" })
        let via = try XCTUnwrap(t.via.first { $0.hasPrefix("model:") })
        XCTAssertEqual(t.evidence.count, 1)
        XCTAssertEqual(t.evidence[0].text, "Attackers dumped LSASS memory with ProcDump to harvest credentials.")
        XCTAssertEqual(t.evidence[0].field, "content_text")
        XCTAssertEqual(via, "model:" + Enrichment.twoDecimals(t.evidence[0].score))
        XCTAssertGreaterThanOrEqual(t.evidence[0].score, Self.model.threshold)
        XCTAssertTrue(e.tacticIDs.contains("TA0006"), "the technique's tactic is implied")
        XCTAssertEqual(e.via("TA0006"), ["technique:T1003.001", "technique:T1003"])
    }

    func testBehaviourDescribedInOtherWordsIsFound() throws {
        let cases = [
            ("It collects the hostname and OS version and sends them to the attacker.", "T1082"),
            ("Persistence is achieved through a scheduled task that runs every hour.", "T1053"),
            ("The actor sent spearphishing emails with malicious Word attachments.", "T1566"),
        ]
        for (text, id) in cases {
            let e = try Self.enricher.enrichment(ofLine: record(text: text))
            XCTAssertTrue(e.techniques.contains { $0.id == id && $0.via.contains { $0.hasPrefix("model:") } }, "\(text) -> \(id): \(e.techniques)")
        }
    }

    func testSectionsAreScoredWithTheirFieldName() throws {
        let e = try Self.enricher.enrichment(ofLine: record(sections: ["attack_chain": ["Persistence is achieved through a scheduled task that runs every hour."],
                                                                      "impact": "Nothing else."]))
        let t = try XCTUnwrap(e.techniques.first { $0.id == "T1053" })
        XCTAssertEqual(t.evidence.map(\.field), ["sections.attack_chain"])
    }

    func testEvidenceKeepsTheBestThreeSentencesBestFirstWithoutRepeats() throws {
        let s = "Attackers dumped LSASS memory with ProcDump to harvest credentials."
        let text = [s, "They dumped credentials from LSASS memory with Mimikatz.", "The tool dumps the SAM database and LSASS process memory to collect password hashes.",
                    "Credential dumping of LSASS memory with comsvcs.dll followed.", s].joined(separator: " ")
        let e = try Self.enricher.enrichment(ofLine: record(summary: s, text: text))
        let t = try XCTUnwrap(e.techniques.first { $0.id == "T1003" })
        XCTAssertLessThanOrEqual(t.evidence.count, 3)
        XCTAssertGreaterThanOrEqual(t.evidence.count, 2)
        XCTAssertEqual(t.evidence.map(\.score), t.evidence.map(\.score).sorted(by: >), "best first")
        XCTAssertEqual(Set(t.evidence.map(\.text)).count, t.evidence.count, "a sentence in summary and content_text counts once")
    }

    func testHedgedSentenceIsWeightedDown() throws {
        let plain = "Attackers dumped LSASS memory with ProcDump to harvest credentials."
        for hedged in ["Attackers may have dumped LSASS memory with ProcDump to harvest credentials.",
                       "There is no evidence that attackers dumped LSASS memory with ProcDump to harvest credentials.",
                       "Attackers did not dump LSASS memory with ProcDump to harvest credentials.",
                       "Attackers could potentially dump LSASS memory with ProcDump to harvest credentials."] {
            let e = try Self.enricher.enrichment(ofLine: record(text: hedged))
            XCTAssertFalse(e.techniques.contains { $0.via.contains { $0.hasPrefix("model:") } }, "\(hedged): \(e.techniques)")
        }
        XCTAssertTrue(try Self.enricher.enrichment(ofLine: record(text: plain)).techniqueIDs.contains("T1003"))
    }

    func testHeadingsAreNoSentences() throws {
        let e = try Self.enricher.enrichment(ofLine: record(title: "Impact", text: "Impact\nAttack Chain\nRecommendations"))
        XCTAssertFalse(e.techniques.contains { $0.via.contains { $0.hasPrefix("model:") } }, "\(e.techniques)")
    }

    func testMinConfidenceRaisesTheBar() throws {
        let text = "The loader decodes the payload from base64 before running it."
        let low = Enricher(model: Self.model, minConfidence: 0.3)
        let high = Enricher(model: Self.model, minConfidence: 0.999)
        XCTAssertTrue(try low.enrichment(ofLine: record(text: text)).techniqueIDs.contains("T1140"))
        XCTAssertFalse(try high.enrichment(ofLine: record(text: text)).techniques.contains { $0.via.contains { $0.hasPrefix("model:") } })
    }

    func testMonthMayIsNoHedge() throws {
        let e = try Self.enricher.enrichment(ofLine: record(text: "In May 2024, attackers dumped LSASS memory with ProcDump to harvest credentials."))
        XCTAssertTrue(e.techniqueIDs.contains("T1003"))
    }

    func testWrittenIDsAndTagsStayExactInHedgedSentences() throws {
        let e = try Self.enricher.enrichment(ofLine: recordLine(text: "This may involve T1059.001 in some cases.", tags: ["brute-force"]))
        XCTAssertEqual(e.via("T1059.001"), ["text:T1059.001"])
        XCTAssertTrue(e.techniqueIDs.contains("T1110"))
    }

    func testRecordLineCarriesEvidence() throws {
        let out = try Self.enricher.enrich(line: record(text: "Attackers dumped LSASS memory with ProcDump to harvest credentials."))
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let techniques = try XCTUnwrap((json["attack"] as? [String: Any])?["techniques"] as? [[String: Any]])
        let t = try XCTUnwrap(techniques.first { $0["id"] as? String == "T1003" })
        let evidence = try XCTUnwrap(t["evidence"] as? [[String: Any]])
        XCTAssertEqual(evidence.first?["field"] as? String, "content_text")
        XCTAssertEqual(evidence.first?["text"] as? String, "Attackers dumped LSASS memory with ProcDump to harvest credentials.")
        XCTAssertNotNil(evidence.first?["score"] as? Double)
        let phrase = try XCTUnwrap(techniques.first { $0["id"] as? String == "T1003.001" })
        XCTAssertNil(phrase["evidence"], "phrase-only techniques carry no evidence")
    }
}
