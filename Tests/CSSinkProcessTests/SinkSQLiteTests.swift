import Foundation
import XCTest
import CSTestSupport

/// `--to sqlite:PATH`: the closing line says what the table gained (new, updated, unchanged), and
/// several cs-sink processes may create and fill one new database at once.
final class SinkSQLiteTests: XCTestCase {
    /// A uid seen again is an update, not a new row: the count must not claim more rows than the
    /// table holds (it used to say "N records stored" for N lines in).
    func testClosingLineCountsNewUpdatedAndUnchanged() throws {
        try requireSQLiteCLI()
        let db = try temporaryDirectory().appendingPathComponent("advisories.db").path
        var changed = SinkFixtures.records[0]
        changed["title"] = "Updated title"
        let lines = SinkFixtures.lines + [SinkFixtures.line(changed), SinkFixtures.lines[1]]
        let input = Data((lines.joined(separator: "\n") + "\n").utf8)
        let n = SinkFixtures.records.count

        let first = try ToolRunner.run("cs-sink", ["--to", "sqlite:\(db)"], stdin: input)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(summary(first.stderr), "\(n + 2) records into \(db): \(n) new, 1 updated (same uid), 1 unchanged")
        XCTAssertEqual(try sqlite(db, "SELECT count(*) FROM advisories;"), "\(n)\n", "as many rows as the line says are new")

        // Again: record 0 comes first in its old form, then changed (two updates); the rest are stored as they are.
        let second = try ToolRunner.run("cs-sink", ["--to", "sqlite:\(db)"], stdin: input)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(summary(second.stderr), "\(n + 2) records into \(db): 0 new, 2 updated (same uid), \(n) unchanged")
        XCTAssertEqual(try sqlite(db, "SELECT count(*) FROM advisories;"), "\(n)\n")
    }

    /// Two cs-sink processes onto one new database, fifty times: both exit 0, every record is a row,
    /// and between them each uid was counted new exactly once. This failed 8 times in 20 when each
    /// process switched the new file to WAL and created the schema without waiting for the other.
    func testTwoSinksOntoANewDatabaseFiftyTimes() throws {
        try requireSQLiteCLI()
        let dir = try temporaryDirectory()
        let lines = DeliveryRecords.lines(50)
        let halves = [lines[0..<30], lines[20..<50]].map { Data(($0.joined(separator: "\n") + "\n").utf8) }
        for round in 0..<50 {
            let db = dir.appendingPathComponent("round-\(round).db").path
            let results = Locked<[Int: ToolRunner.Result]>([:])
            let errors = Locked<[String]>([])
            DispatchQueue.concurrentPerform(iterations: halves.count) { i in
                do {
                    let r = try ToolRunner.run("cs-sink", ["--to", "sqlite:\(db)"], stdin: halves[i])
                    results.mutate { $0[i] = r }
                } catch { errors.mutate { $0.append("\(error)") } }
            }
            XCTAssertEqual(errors.get(), [])
            var new = 0, unchanged = 0
            for (_, r) in results.get() {
                XCTAssertEqual(r.status, 0, "round \(round): \(r.stderr)")
                let counts = numbers(summary(r.stderr) ?? "")
                if counts.count == 4 { new += counts[1]; unchanged += counts[3] }
            }
            XCTAssertEqual(new, 50, "round \(round): each uid is new once")
            XCTAssertEqual(unchanged, 10, "round \(round): the ten records both sent are stored once")
            XCTAssertEqual(try sqlite(db, "SELECT count(*), count(DISTINCT uid) FROM advisories;"), "50|50\n", "round \(round)")
            if testRun?.hasSucceeded == false { break }  // one failed round says it; fifty would drown it
        }
    }

    /// The text after "info: " on cs-sink's closing line.
    private func summary(_ stderr: String) -> String? {
        stderr.split(separator: "\n").first { $0.contains(" records into ") || $0.contains(" record into ") }
            .map { String($0[$0.range(of: "info: ")!.upperBound...]) }
    }

    /// The numbers in "N records into PATH: A new, B updated (same uid), C unchanged" (none from PATH,
    /// which is taken out first).
    private func numbers(_ line: String) -> [Int] {
        guard let into = line.range(of: " into "), let colon = line.range(of: ": ", range: into.upperBound..<line.endIndex) else { return [] }
        let text = line[..<into.lowerBound] + " " + line[colon.upperBound...]
        return text.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
    }

    private func requireSQLiteCLI() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else { throw XCTSkip("sqlite3 CLI not installed") }
    }

    private func sqlite(_ db: String, _ sql: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        p.arguments = [db, sql]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "sqlite3 \(db) \(sql)")
        return String(decoding: data, as: UTF8.self)
    }

    private func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-sink-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }
}

private final class Locked<T>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ value: T) { self.value = value }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
    func mutate(_ body: (inout T) -> Void) { lock.lock(); body(&value); lock.unlock() }
}
