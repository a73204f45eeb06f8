import Foundation
import XCTest

/// Several cs-fetch runs creating one new `--state` file at the same moment, fifty times over. This
/// failed 6 times in 10 ("database is locked", one run exiting 3 with nothing written) when each
/// opener switched the new file to WAL without waiting for the other (see SQLiteDatabase.open).
/// Local feed files as inputs: no network, so it stays quick.
final class FetchStateStressTests: FetchTestCase {
    func testThreeRunsOpeningANewStateFileFiftyTimes() throws {
        let dir = try temporaryDirectory()
        var feeds: [String] = []
        for f in 0..<3 {
            let items = (0..<5).map { #"{"id":"\#(f)-\#($0)","title":"Item \#(f)-\#($0)"}"# }.joined(separator: ",")
            let path = dir.appendingPathComponent("feed-\(f).json").path
            try Data(#"{"version":"https://jsonfeed.org/version/1.1","title":"F\#(f)","items":[\#(items)]}"#.utf8).write(to: URL(fileURLWithPath: path))
            feeds.append(path)
        }
        let orders = [feeds, feeds.reversed(), [feeds[1], feeds[2], feeds[0]]]
        for round in 0..<50 {
            let state = dir.appendingPathComponent("state-\(round).db").path
            let runs = Locked<[Int: CSFetchRun]>([:])
            let errors = Locked<[String]>([])
            DispatchQueue.concurrentPerform(iterations: orders.count) { i in
                do {
                    let run = try CSFetchRun.run(["--log-format", "json", "--state", state, "--new-only"] + orders[i])
                    runs.mutate { $0[i] = run }
                } catch { errors.mutate { $0.append("\(error)") } }
            }
            XCTAssertEqual(errors.get(), [])
            var uids = Set<String>()
            for (_, run) in runs.get().sorted(by: { $0.key < $1.key }) {
                XCTAssertEqual(run.status, 0, "round \(round): \(run.stderr)")
                for record in run.records { uids.insert(record["uid"] as? String ?? "") }
            }
            XCTAssertEqual(uids.count, 15, "round \(round): every item comes out at least once")
            let after = try CSFetchRun.run(["--log-format", "json", "--state", state, "--new-only"] + feeds)
            XCTAssertEqual(after.status, 0, after.stderr)
            XCTAssertEqual(after.records.count, 0, "round \(round): the state knows every item")
            if testRun?.hasSucceeded == false { break }  // one failed round says it; fifty would drown it
        }
    }
}
