import Foundation
import XCTest
import CSRedis
import CSTestSupport

/// `cs-sink --to redis://…/STREAM` against a real redis-server.
final class SinkRedisTests: XCTestCase {
    func testRecordsAppendedUnchangedWithXADD() throws {
        try RedisFixtures.skipWithoutRedis()
        let server = try RedisServer()
        let input = RedisFixtures.records(0..<3) + "not json\n" + RedisFixtures.record(3) + "\n"
        let dead = ToolRunner.temporaryFile("dead.ndjson")
        defer { try? FileManager.default.removeItem(at: dead) }
        let r = try ToolRunner.run("cs-sink", ["--to", server.url("out"), "--batch", "2", "--dead-letter", dead.path], stdin: Data(input.utf8))
        XCTAssertEqual(r.status, 2, r.stderr)   // the bad line
        XCTAssertEqual(try String(contentsOf: dead, encoding: .utf8), "not json\n")
        let redis = try RedisFixtures.connection(server)
        let entries = try RedisFixtures.entries(redis, "out")
        XCTAssertEqual(entries.map { $0.fields["record"]! }, (0..<4).map { RedisFixtures.record($0) })
        XCTAssertEqual(entries.map { Array($0.fields.keys) }, Array(repeating: ["record"], count: 4))
    }

    func testMaxLenTrims() throws {
        try RedisFixtures.skipWithoutRedis()
        let server = try RedisServer()
        let r = try ToolRunner.run("cs-sink", ["--to", server.url("out"), "--maxlen", "5"], stdin: Data(RedisFixtures.records(0..<20).utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        let redis = try RedisFixtures.connection(server)
        XCTAssertEqual(try RedisFixtures.uids(redis, "out"), (15..<20).map { "uid-\($0)" })
        // ~N is accepted too (Redis trims whole nodes, so the length is only bounded from below).
        let approx = try ToolRunner.run("cs-sink", ["--to", server.url("approx"), "--maxlen", "~5"], stdin: Data(RedisFixtures.records(0..<20).utf8))
        XCTAssertEqual(approx.status, 0, approx.stderr)
        XCTAssertGreaterThanOrEqual(try redis.command(["XLEN", "approx"]).int ?? 0, 5)
        XCTAssertEqual(try ToolRunner.run("cs-sink", ["--to", server.url("x"), "--maxlen", "~0"]).status, 64)
    }

    func testPasswordFromEnvironmentAndDatabase() throws {
        try RedisFixtures.skipWithoutRedis()
        let server = try RedisServer(password: "pw-from-env")
        let url = server.url("out").replacingOccurrences(of: "/out", with: "/3/out")
        let r = try ToolRunner.run("cs-sink", ["--to", url, "--password-env", "CS_TEST_REDIS_PW"], stdin: Data(RedisFixtures.records(0..<2).utf8),
                                   environment: ["CS_TEST_REDIS_PW": "pw-from-env"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let redis = try RedisFixtures.connection(server)
        try redis.command(["SELECT", "3"])
        XCTAssertEqual(try RedisFixtures.uids(redis, "out"), ["uid-0", "uid-1"])
    }

    func testWrongPasswordIsOneUnauthenticatedError() throws {
        try RedisFixtures.skipWithoutRedis()
        let server = try RedisServer(password: "right-pw")
        for env in [["CS_TEST_REDIS_PW": "wrong-pw-123"], [:]] {
            let args = ["--to", server.url("out")] + (env.isEmpty ? [] : ["--password-env", "CS_TEST_REDIS_PW"])
            let r = try ToolRunner.run("cs-sink", args, stdin: Data(RedisFixtures.records(0..<2).utf8), environment: env)
            XCTAssertEqual(r.status, 3, r.stderr)
            let errors = r.stderr.split(separator: "\n").filter { $0.contains("error") }
            XCTAssertEqual(errors.count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("UNAUTHENTICATED"), r.stderr)
            XCTAssertFalse(r.stderr.contains("wrong-pw-123"), r.stderr)
        }
        XCTAssertEqual(try RedisFixtures.connection(server).command(["EXISTS", "out"]).int, 0)
    }

    func testPasswordInURLAndTLSAreRefused() throws {
        let inURL = try ToolRunner.run("cs-sink", ["--to", "redis://cs:hunter2@127.0.0.1/out"])
        XCTAssertEqual(inURL.status, 64, inURL.stderr)
        XCTAssertTrue(inURL.stderr.contains("--password-env"), inURL.stderr)
        XCTAssertFalse(inURL.stderr.contains("hunter2"), inURL.stderr)
        let tls = try ToolRunner.run("cs-sink", ["--to", "rediss://127.0.0.1/out"])
        XCTAssertEqual(tls.status, 3, tls.stderr)
        XCTAssertTrue(tls.stderr.contains("UNIMPLEMENTED"), tls.stderr)
    }

    func testServerDownRetriesThenDeadLetters() throws {
        let port = try RedisServer.freePort()   // nothing listens there
        let dead = ToolRunner.temporaryFile("dead.ndjson")
        defer { try? FileManager.default.removeItem(at: dead) }
        let r = try ToolRunner.run("cs-sink", ["--to", "redis://127.0.0.1:\(port)/out", "--retries", "1", "--dead-letter", dead.path],
                                   stdin: Data(RedisFixtures.records(0..<2).utf8))
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("UNAVAILABLE"), r.stderr)
        let kept = try String(contentsOf: dead, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(kept.count, 2)
        XCTAssertEqual(kept.map(String.init), [RedisFixtures.record(0), RedisFixtures.record(1)])   // verbatim, to send again
    }
}

/// pipelines/redis-stream publishes the example feeds' advisories to a stream.
final class RedisPipelineTests: XCTestCase {
    func testRedisStreamPipeline() throws {
        try RedisFixtures.skipWithoutRedis()
        let server = try RedisServer()
        let r = try ToolRunner.run("cs", ["run", "pipelines/redis-stream", "REDIS=127.0.0.1:\(server.port)", "STREAM=published"],
                                   environment: ["PATH": ToolRunner.binDir.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")])
        XCTAssertEqual(r.status, 0, r.stderr)
        let uids = try RedisFixtures.uids(try RedisFixtures.connection(server), "published")
        XCTAssertGreaterThan(uids.count, 0)
        XCTAssertEqual(Set(uids).count, uids.count)
    }
}
