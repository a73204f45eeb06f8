import Foundation
import XCTest
import CSTestSupport

/// A 2xx is not a delivery until the answer confirms it: Elasticsearch bulk items are checked one
/// by one against what was sent, and Splunk HEC must say `{"text":"Success","code":0}`. What is not
/// confirmed is dead-lettered and counted, never counted as delivered.
final class BulkAnswerTests: XCTestCase {
    let token = "tok-\(UUID().uuidString)"

    /// Batches of 5: the first answered with no items, the second with one item short, the third
    /// with its first item for another `_id` (all with `"errors": false`), the fourth properly.
    func testElasticAnswersThatDoNotConfirmAreDeadLettered() throws {
        let server = try SinkServer(script: ["elastic": ["no-items", "short", "other-id"]])
        let input = DeliveryRecords.lines(20)
        let run = try sink(["--to", "elastic+http://\(server.base)/advisories", "--batch", "5"], input)
        XCTAssertEqual(run.result.status, 2, run.result.stderr)
        XCTAssertEqual(run.dead, Array(input[0...10]), "the unconfirmed documents, verbatim, in order")
        XCTAssertEqual(run.stats["records_out"] as? Int, 9, "only confirmed documents count as delivered")
        XCTAssertEqual(run.stats["rejected"] as? Int, 11)
        let stderr = run.result.stderr
        XCTAssertTrue(stderr.contains("not confirmed: the bulk answer lists 0 items for 5 documents sent [id /briefs/0]"), stderr)
        XCTAssertTrue(stderr.contains("not confirmed: the bulk answer lists 4 items for 5 documents sent [id /briefs/9]"), stderr)
        XCTAssertTrue(stderr.contains("bulk answer item 0 has _id not-\(DeliveryRecords.uid(10)), not this document's [id /briefs/10]"), stderr)
        XCTAssertTrue(stderr.contains("(DATA_LOSS)"), stderr)
        XCTAssertTrue(stderr.contains("9 records delivered to elastic+http://\(server.base)/advisories"), stderr)
    }

    /// Elasticsearch says whether each document was created or replaced; cs-sink reports both.
    func testElasticReportsNewAndUpdatedDocuments() throws {
        let server = try SinkServer()
        let input = DeliveryRecords.lines(6)
        let first = try sink(["--to", "elastic+http://\(server.base)/advisories"], Array(input[0..<4]))
        XCTAssertEqual(first.result.status, 0, first.result.stderr)
        XCTAssertTrue(first.result.stderr.contains("4 records delivered to elastic+http://\(server.base)/advisories: 4 new, 0 updated"), first.result.stderr)
        let second = try sink(["--to", "elastic+http://\(server.base)/advisories"], input)
        XCTAssertEqual(second.result.status, 0, second.result.stderr)
        XCTAssertTrue(second.result.stderr.contains("6 records delivered to elastic+http://\(server.base)/advisories: 2 new, 4 updated"), second.result.stderr)
        XCTAssertEqual(second.stats["records_out"] as? Int, 6)
    }

    /// A 200 with an HTML page (a proxy, a login portal) in front of HEC confirms nothing.
    func testSplunkHECAnswerWithoutSuccessIsDeadLettered() throws {
        let server = try SinkServer(script: ["token": token, "hec": ["html"]])
        let input = DeliveryRecords.lines(6)
        let run = try sink(["--to", "splunk-hec+http://\(server.base)", "--token-env", "HEC_TOKEN", "--batch", "3"], input,
                           environment: ["HEC_TOKEN": token])
        XCTAssertEqual(run.result.status, 2, run.result.stderr)
        XCTAssertEqual(run.dead, Array(input[0..<3]))
        XCTAssertEqual(run.stats["records_out"] as? Int, 3)
        XCTAssertTrue(run.result.stderr.contains("Splunk HEC 200 does not confirm the events (expected {\"text\":\"Success\",\"code\":0}): <!DOCTYPE html>"),
                      run.result.stderr)
        XCTAssertEqual(try server.arrivals("hec").count, 3, "the second batch was indexed")
    }

    private struct Run {
        var result: ToolRunner.Result
        var dead: [String]
        var stats: [String: Any]
    }

    private func sink(_ arguments: [String], _ input: [String], environment: [String: String] = [:]) throws -> Run {
        let dead = ToolRunner.temporaryFile("bulk-dead.ndjson"), stats = ToolRunner.temporaryFile("bulk-stats.ndjson")
        defer { for f in [dead, stats] { try? FileManager.default.removeItem(at: f) } }
        var env = environment
        env["CS_STATS_FILE"] = stats.path
        let result = try ToolRunner.run("cs-sink", arguments + ["--dead-letter", dead.path], stdin: DeliveryRecords.data(input), environment: env)
        let deadLines = ((try? String(contentsOf: dead, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        let statsLine = try Data(contentsOf: stats)
        let parsed = try JSONSerialization.jsonObject(with: statsLine) as? [String: Any] ?? [:]
        return Run(result: result, dead: deadLines, stats: parsed)
    }
}
