import CSFuzz
import Foundation
import XCTest

/// Every input committed under Tests/fuzz/corpus/<target>/ (seeds and the inputs that once found a bug)
/// goes through the same check the fuzz executable runs; a finding fails the test with the file's name.
final class FuzzCorpusTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fuzz/corpus")

    func replay(_ target: String, _ check: (UnsafeRawBufferPointer) -> String?, minimum: Int = 5) throws {
        let dir = Self.corpus.appendingPathComponent(target)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix(".") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, minimum, "corpus \(target) is missing or nearly empty")
        for name in names {
            let data = try Data(contentsOf: dir.appendingPathComponent(name))
            let finding = data.withUnsafeBytes { check($0) }
            XCTAssertNil(finding, "\(target)/\(name)")
        }
    }

    func testFeedCorpus() throws { try replay("feed", FeedFuzz.check) }
    func testScannerCorpus() throws { try replay("scanner", ScannerFuzz.check) }
    func testWhereCorpus() throws { try replay("where", WhereFuzz.check) }
    func testPipelineCorpus() throws { try replay("pipeline", PipelineFuzz.check) }
    func testEnrichCorpus() throws { try replay("enrich", EnrichFuzz.check) }
    func testHTMLCorpus() throws { try replay("html", HTMLFuzz.check) }

    /// The checks are not vacuous: each reports a planted violation.
    func testChecksReportViolations() {
        let badRecord = Array(#"{"schema":"cs.advisory/1","uid":"xyz"}"#.utf8)
        XCTAssertNil(badRecord.withUnsafeBytes { ScannerFuzz.check($0) })
        XCTAssertNotNil(FeedFuzz.recordProblem(#"{"schema":"cs.advisory/1","uid":"xyz"}"#))
    }
}
