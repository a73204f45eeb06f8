import XCTest
import CSCore
import CSRedis
import CSTestSupport

/// The hiredis wrapper against a real redis-server: URLs, AUTH, argv commands (binary safe), pipelines.
final class RedisConnectionTests: XCTestCase {
    func testURLForms() throws {
        let u = try RedisURL(parsing: "redis://cs@example.org:6380/2/advisories")
        XCTAssertEqual(u, RedisURL(host: "example.org", port: 6380, user: "cs", database: 2, key: "advisories"))
        XCTAssertEqual(try RedisURL(parsing: "redis://[::1]/in").host, "::1")
        XCTAssertEqual(try RedisURL(parsing: "redis://h/in").port, 6379)
        XCTAssertThrowsError(try RedisURL(parsing: "redis://h")) // no stream
        XCTAssertThrowsError(try RedisURL(parsing: "redis://h/x/y")) // x is no database
        do {
            _ = try RedisURL(parsing: "redis://cs:hunter2@h/in")
            XCTFail("a password in the URL was taken")
        } catch {
            XCTAssertTrue(error.message.contains("--password-env"))
            XCTAssertFalse(error.message.contains("hunter2"))
        }
        do {
            _ = try RedisURL(parsing: "rediss://h/in")
            XCTFail("rediss:// was taken")
        } catch {
            XCTAssertEqual(error.code, .unimplemented)
        }
    }

    func testBinarySafeCommandsAndPipeline() throws {
        try XCTSkipUnless(RedisServer.isInstalled || ProcessInfo.processInfo.environment["CI"] == "true", "redis-server is not installed (make deps)")
        let server = try RedisServer()
        let redis = RedisConnection(RedisConfig(url: try RedisURL(parsing: server.url("s"))))
        let value: [UInt8] = [0, 1, 0x0A, 0xFF, 0x22]
        XCTAssertEqual(try redis.command(bytes: [Array("SET".utf8), Array("k".utf8), value]), .status("OK"))
        XCTAssertEqual(try redis.command(["GET", "k"]), .string(value))
        let replies = try redis.pipeline((0..<100).map { [Array("RPUSH".utf8), Array("l".utf8), Array(String($0).utf8)] })
        XCTAssertEqual(replies.last, .integer(100))
        XCTAssertEqual(try redis.command(["LLEN", "l"]).int, 100)
        XCTAssertNotNil(try redis.command(["NOSUCHCOMMAND"]).errorText)
    }

    /// Replies to commands sent ahead come back in the order sent, even when other commands are answered
    /// in between; a closed connection owes nothing and says so.
    func testRepliesAheadKeepTheirOrder() throws {
        try XCTSkipUnless(RedisServer.isInstalled || ProcessInfo.processInfo.environment["CI"] == "true", "redis-server is not installed (make deps)")
        let server = try RedisServer()
        defer { server.stop() }
        let redis = RedisConnection(RedisConfig(url: try RedisURL(parsing: server.url("s"))))
        try redis.sendAhead([["ECHO", "first"], ["ECHO", "second"]].map { $0.map { Array($0.utf8) } })
        XCTAssertEqual(redis.repliesAhead, 2)
        XCTAssertEqual(try redis.command(["ECHO", "between"]), .string(Array("between".utf8)))
        try redis.sendAhead([["ECHO", "third"].map { Array($0.utf8) }])
        XCTAssertEqual(try redis.receiveAhead(), .string(Array("first".utf8)))
        XCTAssertEqual(try redis.receiveAhead(), .string(Array("second".utf8)))
        XCTAssertEqual(try redis.receiveAhead(), .string(Array("third".utf8)))
        XCTAssertEqual(redis.repliesAhead, 0)
        try redis.sendAhead([["ECHO", "lost"].map { Array($0.utf8) }])
        redis.close()
        XCTAssertEqual(redis.repliesAhead, 0)
        XCTAssertThrowsError(try redis.receiveAhead()) { XCTAssertEqual(($0 as? RedisError)?.kind, .connection) }
    }

    func testPasswordFromConfigAndWrongPassword() throws {
        try XCTSkipUnless(RedisServer.isInstalled || ProcessInfo.processInfo.environment["CI"] == "true", "redis-server is not installed (make deps)")
        let server = try RedisServer(password: "s3cret-pw")
        let url = try RedisURL(parsing: server.url("s"))
        XCTAssertEqual(try RedisConnection(RedisConfig(url: url, password: "s3cret-pw")).command(["PING"]), .status("PONG"))
        for password in ["wrong-pw", nil] {
            do {
                _ = try RedisConnection(RedisConfig(url: url, password: password)).command(["PING"])
                XCTFail("no password error")
            } catch {
                XCTAssertEqual(error.kind, .authentication)
                XCTAssertFalse(error.message.contains("wrong-pw"))
            }
        }
    }

    func testReconnectsAfterRestart() throws {
        try XCTSkipUnless(RedisServer.isInstalled || ProcessInfo.processInfo.environment["CI"] == "true", "redis-server is not installed (make deps)")
        let server = try RedisServer(persistent: true)
        let redis = RedisConnection(RedisConfig(url: try RedisURL(parsing: server.url("s"))))
        try redis.command(["SET", "kept", "1"])
        try server.restart()
        var retries = 0
        let reply = try redis.retrying(attempts: 50, onRetry: { _, _ in retries += 1 }) { () throws(RedisError) in
            try redis.command(["GET", "kept"])
        }
        XCTAssertEqual(reply.text, "1")
        XCTAssertGreaterThanOrEqual(retries, 1, "the old connection should have been found dead")
    }
}
