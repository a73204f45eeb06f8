import Foundation
import XCTest
import CSRedis
import CSTestSupport

enum Waiting {
    /// Polls `condition` until it holds. The cap only keeps a broken build from hanging the suite;
    /// nothing is asserted about how long it took.
    static func until(_ what: String, file: StaticString = #filePath, line: UInt = #line, _ condition: () throws -> Bool) throws {
        let cap = Date().addingTimeInterval(Double(ProcessInfo.processInfo.environment["CS_TEST_WAIT_CAP"] ?? "") ?? 600)
        while try !condition() {
            if Date() > cap { XCTFail("gave up waiting: \(what)", file: file, line: line); throw CancellationError() }
            usleep(20_000)   // between probes of the condition, not as synchronisation
        }
    }

    /// The group has handed out every entry and has none pending.
    static func drained(_ redis: RedisConnection, stream: String, group: String) throws -> Bool {
        let info = try redis.command(["XINFO", "GROUPS", stream]).items
            .map { Dictionary($0.pairs, uniquingKeysWith: { a, _ in a }) }.first { $0["name"]?.text == group }
        guard let info else { return false }
        return info["lag"]?.int == 0 && info["pending"]?.int == 0
    }
}
