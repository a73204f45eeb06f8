import Foundation
import XCTest
import CSRedis
import CSTestSupport

/// Records and Redis reads the Redis tests share.
enum RedisFixtures {
    /// A small valid record; `uid` is the dedupe key the tests count by.
    static func record(_ n: Int, severity: String = "high") -> String {
        #"{"schema":"cs.advisory/1","id":"item-\#(n)","uid":"uid-\#(n)","title":"Advisory \#(n)","severity":"\#(severity)","tags":["t\#(n % 7)"]}"#
    }

    static func records(_ range: Range<Int>, severity: (Int) -> String = { _ in "high" }) -> String {
        range.map { record($0, severity: severity($0)) + "\n" }.joined()
    }

    static func skipWithoutRedis() throws {
        if !RedisServer.isInstalled && ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail("redis-server is not installed (make deps) and CI=true")
        }
        try XCTSkipUnless(RedisServer.isInstalled, "redis-server is not installed (make deps)")
    }

    static func connection(_ server: RedisServer, password: String? = nil) throws -> RedisConnection {
        RedisConnection(RedisConfig(url: try RedisURL(parsing: server.url("unused")), password: password ?? server.password))
    }

    /// Every entry of `stream`: (id, fields).
    static func entries(_ redis: RedisConnection, _ stream: String) throws -> [(id: String, fields: [String: String])] {
        try redis.command(["XRANGE", stream, "-", "+"]).items.map { entry in
            let parts = entry.items
            var fields: [String: String] = [:]
            for (k, v) in parts[1].pairs { fields[k] = v.text ?? "" }
            return (parts[0].text ?? "", fields)
        }
    }

    /// The `uid` of every record in `stream`, with repeats.
    static func uids(_ redis: RedisConnection, _ stream: String) throws -> [String] {
        try entries(redis, stream).compactMap { e in
            guard let r = e.fields["record"], let o = try? JSONSerialization.jsonObject(with: Data(r.utf8)) as? [String: Any] else { return nil }
            return o["uid"] as? String
        }
    }
}
