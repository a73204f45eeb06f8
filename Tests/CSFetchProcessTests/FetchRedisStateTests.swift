import CSRedis
import CSTestSupport
import Foundation
import XCTest

/// `cs-fetch --state redis://…`: the state in a real redis-server on loopback, shared by fetchers that
/// run one after the other, at once, or as `cs worker` processes over a stream of feed URLs.
final class FetchRedisStateTests: FetchTestCase {
    var redis: RedisServer!

    override func setUpWithError() throws {
        try super.setUpWithError()
        if !RedisServer.isInstalled && ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail("redis-server is not installed (make deps) and CI=true")
        }
        try XCTSkipUnless(RedisServer.isInstalled, "redis-server is not installed (make deps)")
    }

    override func tearDown() {
        redis?.stop()
        redis = nil
        super.tearDown()
    }

    func connection(password: String? = nil) throws -> RedisConnection {
        RedisConnection(RedisConfig(url: try RedisURL(parsing: redis.url("unused")), password: password ?? redis.password))
    }

    func uids(_ run: CSFetchRun) -> [String] { run.records.compactMap { $0["uid"] as? String } }

    /// (a) The second run sends the validators kept in Redis: every feed answers 304 and nothing is emitted;
    /// a changed feed then brings only its changed and new items.
    func testSecondRunGets304AndNoRepeats() throws {
        redis = try RedisServer()
        let urls = try (0..<3).map { try server.writeFeed("\(key)-\($0).json", items: [("\($0)-1", "First \($0)"), ("\($0)-2", "Second \($0)")]) }
        let args = ["--log-format", "json", "--stats", "--state", redis.url("cs:fetch"), "--new-only"] + urls

        let first = try CSFetchRun.run(args)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.records.count, 6)
        let r = try connection()
        let kept = Dictionary(try r.command(["HGETALL", "cs:fetch:feed:" + urls[0]]).pairs.map { ($0.0, $0.1.text ?? "") }) { a, _ in a }
        XCTAssertNotNil(kept["etag"], "validators per feed in PREFIX:feed:URL: \(kept)")
        XCTAssertEqual(kept["final_url"], urls[0])
        XCTAssertEqual(try r.command(["HLEN", "cs:fetch:items:" + urls[0]]).int, 2, "seen items per feed in PREFIX:items:URL")
        XCTAssertEqual(try r.command(["EXISTS", "cs:fetch:claim:" + urls[0]]).int, 0, "the claim is given back with the record")

        let second = try CSFetchRun.run(args)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(second.records.count, 0, "unchanged feeds emit nothing")
        for url in urls {
            XCTAssertEqual(stats(second)[url]?["status"] as? Int, 304, "the server answers 304 only to the ETag kept in Redis")
        }

        try server.writeFeed("\(key)-1.json", items: [("1-1", "First 1"), ("1-2", "Second 1, corrected"), ("1-3", "Third 1")])
        let third = try CSFetchRun.run(args)
        XCTAssertEqual(third.status, 0, third.stderr)
        XCTAssertEqual(third.titles.sorted(), ["Second 1, corrected", "Third 1"])
    }

    /// (b) Two fetchers sharing one state, started together over the same feeds: the server holds every
    /// answer until both fetchers asked for it, so both hold the same documents at the same time and
    /// race to decide what is new. Each item must come out exactly once in total.
    func testFetchersRacingOverTheSameFeedsEmitEachItemOnce() throws {
        redis = try RedisServer()
        let feeds = 6, items = 300
        var urls: [String] = []
        var expected = Set<String>()
        for f in 0..<feeds {
            let name = "\(key)-\(f).json"
            try server.writeFeed(name, items: (0..<items).map { ("\(f)-\($0)", "Item \($0) of feed \(f)") })
            urls.append(server.url("/gate/\(name)?until=2"))
        }
        let state = redis.url("race")
        // No timeout on a loaded machine: a retried request would make three, and the gate counts two.
        let arguments = ["--log-format", "json", "--state", state, "--new-only", "--timeout", "86400", "--retries", "0"] + urls
        let runs = Locked<[CSFetchRun]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            if let run = try? CSFetchRun.run(arguments) {
                runs.mutate { $0.append(run) }
            }
        }
        let both = runs.get()
        XCTAssertEqual(both.count, 2)
        var all: [String] = []
        for run in both {
            XCTAssertEqual(run.status, 0, run.stderr)
            all += uids(run)
        }
        for run in both { expected.formUnion(uids(run)) }
        XCTAssertEqual(expected.count, feeds * items, "every item comes out")
        XCTAssertEqual(all.count, feeds * items, "and only once: \(both.map { $0.records.count }) records from the two fetchers")
        for f in 0..<feeds {
            XCTAssertEqual(try server.control("/control/count?key=/gate/\(key)-\(f).json"), "2", "both fetchers got the document")
        }
    }

    /// (c) The password comes from the environment; a wrong one is one UNAUTHENTICATED error that does
    /// not show it, before anything is fetched.
    func testPasswordFromTheEnvironment() throws {
        redis = try RedisServer(password: "right-horse-battery")
        try server.writeFeed("\(key).json", items: [("1", "Guarded")])
        let url = server.url("/files/\(key).json")
        let state = redis.url("cs:fetch")

        let good = try CSFetchRun.run(["--log-format", "json", "--state", state, "--password-env", "CS_TEST_REDIS_PW", url],
                                      environment: ["CS_TEST_REDIS_PW": "right-horse-battery"])
        XCTAssertEqual(good.status, 0, good.stderr)
        XCTAssertEqual(good.titles, ["Guarded"])

        let wrong = try CSFetchRun.run(["--log-format", "json", "--state", state, "--password-env", "CS_TEST_REDIS_PW", url],
                                       environment: ["CS_TEST_REDIS_PW": "wrong-staple-guess"])
        XCTAssertEqual(wrong.status, 3, wrong.stderr)
        XCTAssertEqual(wrong.records.count, 0)
        let errors = wrong.diagnostics.filter { $0["level"] as? String == "error" }
        XCTAssertEqual(errors.count, 1, wrong.stderr)
        XCTAssertEqual(errors.first?["code"] as? String, "UNAUTHENTICATED", wrong.stderr)
        XCTAssertTrue((errors.first?["message"] as? String ?? "").contains("--state redis://127.0.0.1:\(redis.port)/cs:fetch"), wrong.stderr)
        XCTAssertFalse(wrong.stderr.contains("wrong-staple-guess"), "the password is never shown")

        let none = try CSFetchRun.run(["--log-format", "json", "--state", state, url])
        XCTAssertEqual(none.status, 3, none.stderr)
        XCTAssertTrue(none.stderr.contains("UNAUTHENTICATED") && none.stderr.contains("--password-env"), none.stderr)
        XCTAssertEqual(try server.control("/control/count?key=/files/\(key).json"), "1", "only the good run fetched")

        let inURL = try CSFetchRun.run(["--state", "redis://:right-horse-battery@127.0.0.1:\(redis.port)/cs:fetch", url])
        XCTAssertEqual(inURL.status, 64, "a password in the URL is refused")
        XCTAssertFalse(inURL.stderr.contains("right-horse-battery"), inURL.stderr)

        let unset = try CSFetchRun.run(["--state", state, "--password-env", "CS_TEST_REDIS_PW_UNSET", url])
        XCTAssertEqual(unset.status, 64, unset.stderr)
        XCTAssertTrue(unset.stderr.contains("CS_TEST_REDIS_PW_UNSET is not set"), unset.stderr)
    }

    /// (d) No server on the port: one UNAVAILABLE error naming the state, exit status 3 (the state is
    /// unusable; not a failed feed), and nothing fetched.
    func testRedisDownIsOneErrorAndStatus3() throws {
        let port = try LoopbackPort.free()
        try server.writeFeed("\(key).json", items: [("1", "Never fetched")])
        let url = server.url("/files/\(key).json")
        let run = try CSFetchRun.run(["--log-format", "json", "--state", "redis://127.0.0.1:\(port)/cs:fetch", "--new-only", url])
        XCTAssertEqual(run.status, 3, run.stderr)
        XCTAssertEqual(run.records.count, 0)
        XCTAssertEqual(run.diagnostics.count, 1, "one diagnostic: \(run.stderr)")
        XCTAssertEqual(run.diagnostics.first?["code"] as? String, "UNAVAILABLE", run.stderr)
        let message = run.diagnostics.first?["message"] as? String ?? ""
        XCTAssertTrue(message.hasPrefix("--state redis://127.0.0.1:\(port)/cs:fetch: cannot connect"), message)
        XCTAssertEqual(try server.control("/control/count?key=/files/\(key).json"), "0", "nothing is fetched without the state")

        let tls = try CSFetchRun.run(["--state", "rediss://127.0.0.1:\(port)/cs:fetch", url])
        XCTAssertEqual(tls.status, 3, tls.stderr)
        XCTAssertTrue(tls.stderr.contains("UNIMPLEMENTED"), tls.stderr)
    }

    /// (e) Two `cs worker` processes over a stream of 8 feed URLs (records `{"url": …}`), each running
    /// cs-fetch with the shared state: every feed is fetched once and every item comes out once.
    func testWorkersSpreadAStreamOfFeeds() throws {
        redis = try RedisServer(password: "worker-pass")
        let env = ["CS_TEST_REDIS_PW": "worker-pass"]
        let r = try connection()
        var names: [String] = []
        for f in 0..<8 {
            let name = "\(key)-\(f).json"
            let url = try server.writeFeed(name, items: (0..<5).map { ("\(f)-\($0)", "Item \($0) of feed \(f)") })
            names.append(name)
            let record = String(decoding: try JSONSerialization.data(withJSONObject: ["url": url]), as: UTF8.self)
            XCTAssertNotNil(try r.command(["XADD", "cs:feeds", "*", "record", record]).text)
        }
        let workers = try (0..<2).map { n in
            try BackgroundTool("cs", ["worker", "--from", redis.url("cs:feeds"), "--group", "fetchers", "--consumer", "w\(n)",
                               "--batch", "1", "--claim-idle", "10m", "--to", redis.url("cs:records"), "--password-env", "CS_TEST_REDIS_PW", "--",
                               "cs-fetch", "--state", redis.url("cs:fetch"), "--password-env", "CS_TEST_REDIS_PW", "--new-only", "-"],
                              environment: env)
        }
        let done = try Readiness.wait(alive: { workers.allSatisfy { $0.process.isRunning } }) {
            try r.command(["XLEN", "cs:records"]).int == 40 && self.drained(r, stream: "cs:feeds", group: "fetchers")
        }
        for w in workers { XCTAssertEqual(w.terminate(), 0, w.stderr) }
        XCTAssertTrue(done, "the workers did not finish the stream: \(workers.map(\.stderr))")

        let uids = try r.command(["XRANGE", "cs:records", "-", "+"]).items.compactMap { entry -> String? in
            guard let record = entry.items.last?.pairs.first(where: { $0.0 == "record" })?.1.text,
                  let object = try? JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any] else { return nil }
            return object["uid"] as? String
        }
        XCTAssertEqual(uids.count, 40)
        XCTAssertEqual(Set(uids).count, 40, "no item twice")
        for name in names {
            XCTAssertEqual(try server.control("/control/count?key=/files/\(name)"), "1", "\(name) is fetched once")
        }
        XCTAssertEqual(try r.command(["HLEN", "cs:fetch:items:" + server.url("/files/\(names[0])")]).int, 5)
    }

    /// A feed claimed by another fetcher: cs-fetch says it waits, emits nothing meanwhile, and goes on once the
    /// claim is given back; SIGTERM while it waits stops it (143) without recording the feed.
    func testAClaimedFeedWaitsForTheOtherFetcher() throws {
        redis = try RedisServer()
        let r = try connection()
        let url = try server.writeFeed("\(key).json", items: [("1", "Waited for")])
        XCTAssertEqual(try r.command(["SET", "cs:fetch:claim:" + url, "other-fetcher", "PX", "600000"]).text, "OK")
        let fetch = try BackgroundTool("cs-fetch", ["--no-progress", "--log-format", "json", "--state", redis.url("cs:fetch"), "--new-only", url])
        XCTAssertTrue(Readiness.wait(alive: { fetch.process.isRunning }) { fetch.stderr.contains("waiting for it") }, fetch.stderr)
        XCTAssertTrue(fetch.stderr.contains("other-fetcher"), "the holder is named: \(fetch.stderr)")
        XCTAssertEqual(fetch.stdout, "", "nothing is emitted without the claim")
        XCTAssertEqual(try r.command(["DEL", "cs:fetch:claim:" + url]).int, 1)
        XCTAssertEqual(fetch.wait(), 0, fetch.stderr)
        XCTAssertTrue(fetch.stdout.contains("Waited for"), fetch.stdout)
        XCTAssertEqual(try r.command(["HLEN", "cs:fetch:items:" + url]).int, 1)

        let other = try server.writeFeed("\(key)-2.json", items: [("2", "Never recorded")])
        XCTAssertEqual(try r.command(["SET", "cs:fetch:claim:" + other, "other-fetcher", "PX", "600000"]).text, "OK")
        let stopped = try BackgroundTool("cs-fetch", ["--no-progress", "--log-format", "json", "--state", redis.url("cs:fetch"), "--new-only", other])
        XCTAssertTrue(Readiness.wait(alive: { stopped.process.isRunning }) { stopped.stderr.contains("waiting for it") }, stopped.stderr)
        kill(stopped.process.processIdentifier, SIGTERM)
        XCTAssertEqual(stopped.wait(), 143, stopped.stderr)
        XCTAssertEqual(stopped.stdout, "")
        XCTAssertEqual(try r.command(["EXISTS", "cs:fetch:items:" + other]).int, 0, "nothing recorded")
        XCTAssertEqual(try r.command(["GET", "cs:fetch:claim:" + other]).text, "other-fetcher", "the other's claim is left alone")
    }

    func drained(_ r: RedisConnection, stream: String, group: String) throws -> Bool {
        let info = try r.command(["XINFO", "GROUPS", stream]).items
            .map { Dictionary($0.pairs, uniquingKeysWith: { a, _ in a }) }.first { $0["name"]?.text == group }
        return info?["lag"]?.int == 0 && info?["pending"]?.int == 0
    }
}

/// pipelines/redis-fetch: a second run over unchanged feeds adds nothing to the stream.
final class RedisFetchPipelineTests: XCTestCase {
    func testRedisFetchPipelineAddsOnlyNewItems() throws {
        if !RedisServer.isInstalled && ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail("redis-server is not installed (make deps) and CI=true")
        }
        try XCTSkipUnless(RedisServer.isInstalled, "redis-server is not installed (make deps)")
        let server = try RedisServer()
        let path = ToolRunner.binDir.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let r = RedisConnection(RedisConfig(url: try RedisURL(parsing: server.url("unused"))))
        let first = try ToolRunner.run("cs", ["run", "pipelines/redis-fetch", "REDIS=127.0.0.1:\(server.port)"], environment: ["PATH": path])
        XCTAssertEqual(first.status, 0, first.stderr)
        let count = try r.command(["XLEN", "cs:records"]).int ?? 0
        XCTAssertGreaterThan(count, 0)
        let second = try ToolRunner.run("cs", ["run", "pipelines/redis-fetch", "REDIS=127.0.0.1:\(server.port)"], environment: ["PATH": path])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try r.command(["XLEN", "cs:records"]).int, count, "nothing new the second time")
        XCTAssertGreaterThan(try r.command(["KEYS", "cs:fetch:items:*"]).items.count, 0)
    }
}
