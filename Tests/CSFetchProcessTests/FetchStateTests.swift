import CSTestSupport
import Foundation
import XCTest

/// `--state` and `--new-only`: conditional GET with the stored validators, and items emitted
/// again only when they are new or changed.
final class FetchStateTests: FetchTestCase {
    /// Three feeds over one connection (--parallel 1), so that a bad validator header would also
    /// spoil the next request on the same connection.
    func testSecondRunRevalidatesAndGets304() throws {
        let state = try temporaryDirectory().appendingPathComponent("state.db").path
        let urls = try (0..<3).map { try server.writeFeed("\(key)-\($0).json", items: [("\($0)-1", "First \($0)"), ("\($0)-2", "Second \($0)")]) }
        let args = ["--log-format", "json", "--stats", "--parallel", "1", "--state", state, "--new-only"] + urls

        let first = try CSFetchRun.run(args)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.records.count, 6)
        for url in urls {
            XCTAssertEqual(stats(first)[url]?["status"] as? Int, 200)
            XCTAssertEqual(stats(first)[url]?["cache_hit"] as? Bool, false)
        }

        let second = try CSFetchRun.run(args)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(second.records.count, 0, "unchanged feeds emit nothing with --new-only")
        for url in urls {
            XCTAssertEqual(stats(second)[url]?["status"] as? Int, 304, "the server only answers 304 to the stored ETag")
            XCTAssertEqual(stats(second)[url]?["cache_hit"] as? Bool, true)
            XCTAssertEqual(stats(second)[url]?["items"] as? Int, 0, "a 304 is not parsed")
        }
    }

    /// A server that gives Last-Modified and no ETag: If-Modified-Since brings the 304.
    func testLastModifiedAloneRevalidates() throws {
        let state = try temporaryDirectory().appendingPathComponent("state.db").path
        try server.writeFeed("\(key).json", items: [("1", "Dated")])
        let url = server.url("/dated/\(key).json")
        let args = ["--log-format", "json", "--stats", "--state", state, "--new-only", url]
        XCTAssertEqual(try CSFetchRun.run(args).titles, ["Dated"])
        let second = try CSFetchRun.run(args)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(stats(second)[url]?["status"] as? Int, 304)
        XCTAssertEqual(second.records.count, 0)
    }

    func testChangedItemIsEmittedAgainWithNewOnly() throws {
        let state = try temporaryDirectory().appendingPathComponent("state.db").path
        let url = try server.writeFeed("\(key).json", items: [("1", "Stable"), ("2", "Draft title")])
        let args = ["--log-format", "json", "--state", state, "--new-only", url]
        XCTAssertEqual(try CSFetchRun.run(args).titles, ["Stable", "Draft title"])

        try server.writeFeed("\(key).json", items: [("1", "Stable"), ("2", "Final title"), ("3", "Brand new")])
        let second = try CSFetchRun.run(args)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(second.titles, ["Final title", "Brand new"], "the changed and the new item only")

        let third = try CSFetchRun.run(args)
        XCTAssertEqual(third.records.count, 0)
    }

    func testWithoutNewOnlyAChangedFeedIsEmittedWhole() throws {
        let state = try temporaryDirectory().appendingPathComponent("state.db").path
        let url = try server.writeFeed("\(key).json", items: [("1", "One")])
        XCTAssertEqual(try CSFetchRun.run(["--state", state, url]).titles, ["One"])
        try server.writeFeed("\(key).json", items: [("1", "One"), ("2", "Two")])
        let second = try CSFetchRun.run(["--log-format", "json", "--stats", "--state", state, url])
        XCTAssertEqual(second.titles, ["One", "Two"])
        XCTAssertEqual(stats(second)[url]?["items"] as? Int, 2)
        XCTAssertEqual(stats(second)[url]?["new_items"] as? Int, 1, "new counts what the state had not seen, emitted or not")
    }

    func testFailedFeedLeavesItsStateUntouched() throws {
        let state = try temporaryDirectory().appendingPathComponent("state.db").path
        let good = try server.writeFeed("\(key).json", items: [("1", "Kept")])
        let flaky = server.url("/flaky/\(key)?fail=1")
        let first = try CSFetchRun.run(["--log-format", "json", "--retries", "0", "--state", state, "--new-only", good, flaky])
        XCTAssertEqual(first.status, 2)
        XCTAssertEqual(first.titles, ["Kept"])
        // Next time the flaky feed works: its item is new, the good feed's is not.
        let second = try CSFetchRun.run(["--log-format", "json", "--retries", "0", "--state", state, "--new-only", good, flaky])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(second.titles, ["Recovered item"])
    }

    /// Two runs on one state file at once: both succeed, and together they leave a state that
    /// knows every item.
    func testConcurrentRunsShareOneStateFile() throws {
        let state = try temporaryDirectory().appendingPathComponent("state.db").path
        var urls: [String] = []
        for i in 0..<6 { urls.append(try server.writeFeed("\(key)-\(i).json", items: (0..<20).map { ("\(i)-\($0)", "Item \(i)-\($0)") })) }
        let results = Locked<[CSFetchRun]>([])
        let group = DispatchGroup()
        for order in [urls, urls.reversed()] {
            group.enter()
            DispatchQueue.global().async {
                if let run = try? CSFetchRun.run(["--log-format", "json", "--state", state, "--new-only"] + order) {
                    results.mutate { $0.append(run) }
                }
                group.leave()
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + Readiness.hangGuard), .success)
        XCTAssertEqual(results.get().count, 2)
        // Each item comes out at least once between the two runs (an item may come out twice when
        // both runs fetched it before either recorded it: re-emitting is the safe side).
        var uids = Set<String>()
        for run in results.get() {
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertLessThanOrEqual(run.records.count, 120)
            for record in run.records { uids.insert(record["uid"] as? String ?? "") }
        }
        XCTAssertEqual(uids.count, 120)
        let after = try CSFetchRun.run(["--log-format", "json", "--state", state, "--new-only"] + urls)
        XCTAssertEqual(after.status, 0, after.stderr)
        XCTAssertEqual(after.records.count, 0)
    }

    /// file:// has no 304: unchanged items are recognised by their content hash.
    func testNewOnlyOnLocalFiles() throws {
        let dir = try temporaryDirectory()
        let state = dir.appendingPathComponent("state.db").path
        let feed = dir.appendingPathComponent("local.json")
        func write(_ titles: [String]) throws {
            let items = titles.enumerated().map { #"{"id":"\#($0.offset)","title":"\#($0.element)"}"# }.joined(separator: ",")
            try Data(#"{"version":"https://jsonfeed.org/version/1.1","title":"L","items":[\#(items)]}"#.utf8).write(to: feed)
        }
        try write(["One", "Two"])
        let args = ["--state", state, "--new-only", feed.path]
        XCTAssertEqual(try CSFetchRun.run(args).titles, ["One", "Two"])
        XCTAssertEqual(try CSFetchRun.run(args).titles, [])
        try write(["One", "Two, corrected"])
        XCTAssertEqual(try CSFetchRun.run(args).titles, ["Two, corrected"])
    }

    /// --raw with --state: an unchanged feed (304) is not written again.
    func testRawWithStateSkipsUnchangedFeeds() throws {
        let state = try temporaryDirectory().appendingPathComponent("state.db").path
        let url = try server.writeFeed("\(key).json", items: [("1", "Raw once")])
        let first = try CSFetchRun.run(["--raw", "--state", state, url])
        XCTAssertEqual(first.records.count, 1)
        let second = try CSFetchRun.run(["--raw", "--state", state, url])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(second.records.count, 0)
    }

    func testNewOnlyNeedsState() throws {
        let run = try CSFetchRun.run(["--new-only", server.url("/files/x.json")])
        XCTAssertEqual(run.status, 64)
        XCTAssertTrue(run.stderr.contains("--state"), run.stderr)
    }
}

/// Runs that cannot go on: an unusable state file, a signal.
final class FetchStopTests: FetchTestCase {
    func testUnusableStateFileIsFatal() throws {
        let state = try temporaryDirectory().appendingPathComponent("state.db")
        try Data(String(repeating: "not a database ", count: 100).utf8).write(to: state)
        let url = try server.writeFeed("\(key).json", items: [("1", "x")])
        let run = try CSFetchRun.run(["--state", state.path, url])
        XCTAssertEqual(run.status, 3, run.stderr)
        XCTAssertTrue(run.stderr.contains(state.path), run.stderr)
        XCTAssertTrue(run.stdout.isEmpty, "nothing is fetched without usable state")
    }

    /// SIGTERM while a feed stalls: cs-fetch stops at once with 128+15, whatever it wrote intact. The stall
    /// lasts as long as the server, so a cs-fetch that waited for it would never end (and the hang guard
    /// fails the test); no time is measured.
    func testTerminatedWhileAFeedStalls() throws {
        let good = try server.writeFeed("\(key).json", items: [("1", "Arrived before the signal")])
        let stall = "/stall?seconds=3600&\(key)"
        let process = Process()
        process.executableURL = try CSFetchRun.binary()
        process.arguments = ["--no-progress", "--timeout", "3600", good, server.url(stall)]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Signalled once the server has answered the good feed and begun the stall.
        func count(_ key: String) -> String? {
            try? server.control("/control/count?key=" + (key.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? key))
        }
        XCTAssertTrue(Readiness.wait(alive: { process.isRunning }) { count("/files/\(key).json") == "1" && count(stall) == "1" },
                      "the server never saw both requests")
        process.terminate()
        let output = Locked(Data())
        let ended = DispatchGroup()
        ended.enter()
        DispatchQueue.global().async {
            output.set(out.fileHandleForReading.readDataToEndOfFile())
            process.waitUntilExit()
            ended.leave()
        }
        if ended.wait(timeout: .now() + Readiness.hangGuard) == .timedOut {
            process.interrupt()
            XCTFail("cs-fetch did not stop on SIGTERM while a feed stalled")
            return
        }
        XCTAssertEqual(process.terminationReason, .exit)
        XCTAssertEqual(process.terminationStatus, 128 + 15)
        for line in String(decoding: output.get(), as: UTF8.self).split(separator: "\n") {
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8)), "every line written is a whole record")
        }
    }
}
