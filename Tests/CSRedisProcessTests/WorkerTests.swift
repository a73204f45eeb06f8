import Foundation
import XCTest
import CSRedis
import CSTestSupport

/// `cs worker` against a real redis-server: crashes, restarts, bad entries, passwords.
final class WorkerTests: XCTestCase {
    var scratch: URL!
    /// Stopped in tearDown whatever happened (a failed wait throws past the test's own cleanup).
    var started: [BackgroundTool] = []
    var servers: [RedisServer] = []

    override func setUpWithError() throws {
        try RedisFixtures.skipWithoutRedis()
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cs-worker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() {
        for p in started where p.process.isRunning { kill(p.process.processIdentifier, SIGKILL); p.process.waitUntilExit() }
        for s in servers { s.stop() }
        started = []
        servers = []
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    func track(_ server: RedisServer) -> RedisServer { servers.append(server); return server }

    func start(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws -> BackgroundTool {
        let p = try BackgroundTool(tool, arguments, environment: environment)
        started.append(p)
        return p
    }

    func workerArgs(_ server: RedisServer, consumer: String, extra: [String] = [], stage: [String] = ["cs-filter"]) -> [String] {
        ["worker", "--from", server.url("in"), "--group", "g", "--consumer", consumer] + extra + ["--"] + stage
    }

    func script(_ name: String, _ body: String) throws -> String {
        let url = scratch.appendingPathComponent(name)
        try ("#!/bin/sh\n" + body).write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url.path
    }

    /// 3 workers over 10,000 records; one is SIGKILLed while it holds a batch (its stage has read the
    /// batch and hangs): the others take its entries over after --claim-idle (that batch and the one it
    /// read ahead), every record reaches OUT, repeats come only from those, and nothing stays pending.
    func testThreeWorkersOneKilledMidBatch() throws {
        let server = try track(RedisServer())
        let redis = try RedisFixtures.connection(server)
        let total = 10_000
        let sink = try ToolRunner.run("cs-sink", ["--to", server.url("in")], stdin: Data(RedisFixtures.records(0..<total).utf8))
        XCTAssertEqual(sink.status, 0, sink.stderr)
        let holding = scratch.appendingPathComponent("holding")
        let hang = try script("hang-stage", "echo $$ > '\(holding.path).pid'\ncat > /dev/null\ntouch '\(holding.path)'\nexec sleep 600\n")
        let common = ["--to", server.url("out"), "--batch", "100", "--claim-idle", "3s"]
        // Its temporary folder in scratch: a SIGKILLed worker cannot remove it.
        let victim = try start("cs", workerArgs(server, consumer: "victim", extra: common, stage: [hang]), environment: ["TMPDIR": scratch.path])
        try Waiting.until("the victim's stage holds a batch") { FileManager.default.fileExists(atPath: holding.path) }
        let workers = try ["w1", "w2"].map { try start("cs", workerArgs(server, consumer: $0, extra: common)) }
        victim.killHard()   // mid-batch: its stage has read the batch and hangs
        if let pid = Int32((try? String(contentsOf: URL(fileURLWithPath: holding.path + ".pid"), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") {
            kill(pid, SIGKILL)   // the hung stage (it has its own process group)
        }
        let killedIDs = Set(try redis.command(["XPENDING", "in", "g", "-", "+", "1000", "victim"]).items.compactMap { $0.items.first?.text })
        let summary = try redis.command(["XPENDING", "in", "g"])
        // The batch its stage holds, and the next one, asked for before that stage started (read ahead).
        XCTAssertTrue([100, 200].contains(killedIDs.count), "the victim held one batch and at most one ahead: \(summary) \(victim.stderr)")
        let killedUIDs = Set(try RedisFixtures.entries(redis, "in").filter { killedIDs.contains($0.id) }.compactMap { e in
            e.fields["record"].flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }?["uid"] as? String
        })
        try Waiting.until("every entry handled") { try Waiting.drained(redis, stream: "in", group: "g") }
        for w in workers { XCTAssertEqual(w.terminate(), 0, w.stderr) }
        let uids = try RedisFixtures.uids(redis, "out")
        var seen: [String: Int] = [:]
        for u in uids { seen[u, default: 0] += 1 }
        XCTAssertEqual(Set(seen.keys), Set((0..<total).map { "uid-\($0)" }), "every record reached OUT")
        let repeated = Set(seen.filter { $0.value > 1 }.keys)
        XCTAssertTrue(repeated.isSubset(of: killedUIDs), "repeats outside the killed batch: \(repeated.subtracting(killedUIDs).prefix(5))")
        XCTAssertEqual(try redis.command(["XPENDING", "in", "g"]).items.first?.int, 0)
        XCTAssertTrue(workers.contains { $0.stderr.isEmpty || !$0.stderr.contains("error") })
    }

    /// SIGTERM while the stage holds a batch and the next batch has been read ahead (those entries are
    /// already this consumer's): the worker finishes both, exits 0, and leaves nothing pending; the
    /// batch after them stays unread for the next worker.
    func testStoppedWithReadAheadOutstandingLosesNothing() throws {
        let server = try track(RedisServer())
        let redis = try RedisFixtures.connection(server)
        let sink = try ToolRunner.run("cs-sink", ["--to", server.url("in")], stdin: Data(RedisFixtures.records(0..<300).utf8))
        XCTAssertEqual(sink.status, 0, sink.stderr)
        let holding = scratch.appendingPathComponent("holding").path
        let release = scratch.appendingPathComponent("release").path
        XCTAssertEqual(mkfifo(release, 0o600), 0)
        // The first batch's stage waits on the FIFO after reading its input; later batches pass through.
        let stage = try script("hold-first-stage", "input=$(cat)\nif [ ! -e '\(holding)' ]; then touch '\(holding)'; read x < '\(release)'; fi\nprintf '%s\\n' \"$input\"\n")
        let worker = try start("cs", workerArgs(server, consumer: "w", extra: ["--to", server.url("out"), "--batch", "100"], stage: [stage]))
        try Waiting.until("the first batch's stage holding") { FileManager.default.fileExists(atPath: holding) }
        try Waiting.until("the next batch read ahead") {
            try redis.command(["XPENDING", "in", "g", "-", "+", "1000", "w"]).items.count == 200
        }
        kill(worker.process.processIdentifier, SIGTERM)
        let go = try XCTUnwrap(FileHandle(forWritingAtPath: release))   // opens once the stage reads
        go.write(Data("go\n".utf8))
        try go.close()
        XCTAssertEqual(worker.wait(), 0, worker.stderr)
        XCTAssertEqual(try RedisFixtures.uids(redis, "out"), (0..<200).map { "uid-\($0)" }, "the held batch and the one read ahead")
        XCTAssertEqual(try redis.command(["XPENDING", "in", "g"]).items.first?.int, 0, "nothing left pending")
        let group = try redis.command(["XINFO", "GROUPS", "in"]).items.map { Dictionary($0.pairs, uniquingKeysWith: { a, _ in a }) }.first
        XCTAssertEqual(group?["lag"]?.int, 100, "the third batch was not taken")
    }

    /// Redis stops and starts again (AOF on) while a sink writes and two workers read: both reconnect
    /// and finish; every record reaches OUT.
    func testRedisRestartedMidRun() throws {
        let server = try track(RedisServer(persistent: true))
        let redis = try RedisFixtures.connection(server)
        let common = ["--to", server.url("out"), "--batch", "50"]
        let workers = try ["w1", "w2"].map { try start("cs", workerArgs(server, consumer: $0, extra: common)) }
        let sink = try start("cs-sink", ["--to", server.url("in"), "--batch", "100", "--flush-interval", "0.1", "--retries", "30"])
        sink.stdin.fileHandleForWriting.write(Data(RedisFixtures.records(0..<1000).utf8))
        try Waiting.until("the first half in IN") { (try redis.command(["XLEN", "in"]).int ?? 0) >= 1000 }
        try Waiting.until("the workers at work") { (try redis.command(["XLEN", "out"]).int ?? 0) > 0 }
        try server.restart()
        sink.stdin.fileHandleForWriting.write(Data(RedisFixtures.records(1000..<2000).utf8))
        try sink.stdin.fileHandleForWriting.close()
        XCTAssertEqual(sink.wait(), 0, sink.stderr)
        let after = try RedisFixtures.connection(server)
        try Waiting.until("every entry handled") { try Waiting.drained(after, stream: "in", group: "g") }
        for w in workers { XCTAssertEqual(w.terminate(), 0, w.stderr) }
        XCTAssertEqual(Set(try RedisFixtures.uids(after, "out")), Set((0..<2000).map { "uid-\($0)" }), "nothing lost")
        XCTAssertTrue(workers.contains { $0.stderr.contains("UNAVAILABLE") }, "a worker should have seen the server go: \(workers.map(\.stderr))")
    }

    /// Entries that are no record are dead-lettered with their id and reason, acknowledged and counted;
    /// the rest flow (to stdout here); `--status` shows the count; SIGTERM ends the worker with 0.
    func testNonRecordEntriesDeadLetteredWithIdAndReason() throws {
        let server = try track(RedisServer())
        let redis = try RedisFixtures.connection(server)
        try redis.command(["XADD", "in", "*", "record", RedisFixtures.record(0)])
        let noRecord = try redis.command(["XADD", "in", "*", "title", "no record here"]).text!
        let notJSON = try redis.command(["XADD", "in", "*", "record", "{not json"]).text!
        // Shaped like an object, so it reaches the stage, which rejects it; the worker's dead letter
        // (with the entry id) replaces the stage's verbatim copy.
        let bracedNotJSON = try redis.command(["XADD", "in", "*", "record", "{\"a\": nope}"]).text!
        // A JSON object that is no cs.advisory/1 record: cs-filter rejects it (exit 2); its dead letter is kept.
        try redis.command(["XADD", "in", "*", "record", #"{"schema":"other/1","id":"x"}"#])
        try redis.command(["XADD", "in", "*", "record", RedisFixtures.record(1)])
        let dead = scratch.appendingPathComponent("dead.ndjson")
        let worker = try start("cs", workerArgs(server, consumer: "w", extra: ["--dead-letter", dead.path, "--stats"]))
        try Waiting.until("every entry handled") { try Waiting.drained(redis, stream: "in", group: "g") }
        XCTAssertEqual(worker.terminate(), 0, worker.stderr)
        XCTAssertEqual(worker.stdout, RedisFixtures.record(0) + "\n" + RedisFixtures.record(1) + "\n")
        let lines = try String(contentsOf: dead, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4, lines.joined(separator: "\n"))
        let entries = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let byEntry = Dictionary(entries.compactMap { e in (e["entry"] as? String).map { ($0, e) } }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(byEntry[noRecord]?["reason"] as? String, "no 'record' field (fields: title)")
        XCTAssertEqual(byEntry[noRecord]?["code"] as? String, "INVALID_ARGUMENT")
        XCTAssertTrue((byEntry[notJSON]?["reason"] as? String ?? "").hasPrefix("the record is not JSON"), "\(byEntry)")
        XCTAssertTrue((byEntry[bracedNotJSON]?["reason"] as? String ?? "").hasPrefix("the record is not JSON"), "\(byEntry)")
        XCTAssertEqual(byEntry[bracedNotJSON]?["record_text"] as? String, "{\"a\": nope}")
        XCTAssertTrue(lines.contains(#"{"schema":"other/1","id":"x"}"#), "the stage's rejection is kept verbatim")
        XCTAssertTrue(worker.stderr.contains(noRecord) && worker.stderr.contains("4 dead-lettered"), worker.stderr)
        let status = try ToolRunner.run("cs", ["worker", "--status", server.url("in"), "--group", "g"])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.lines.contains("dead-lettered: 4"), status.text)
        XCTAssertTrue(status.lines.contains("pending: 0") && status.lines.contains("lag: 0"), status.text)
    }

    /// A record on which the stage always fails: its batch is taken again, the record then runs alone,
    /// and after --max-deliveries it is dead-lettered with the stage's diagnostics; the others go through.
    func testEntryDeliveredTooOftenDeadLetteredWithDiagnostics() throws {
        let server = try track(RedisServer())
        let redis = try RedisFixtures.connection(server)
        for n in 0..<4 { try redis.command(["XADD", "in", "*", "record", RedisFixtures.record(n, severity: n == 2 ? "critical" : "high")]) }
        let picky = try script("picky-stage", "input=$(cat)\ncase \"$input\" in *critical*) echo 'picky: cannot take critical' >&2; exit 3;; esac\nprintf '%s\\n' \"$input\"\n")
        let dead = scratch.appendingPathComponent("dead.ndjson")
        let worker = try start("cs", workerArgs(server, consumer: "w", extra: ["--to", server.url("out"), "--dead-letter", dead.path,
                                                                                     "--claim-idle", "100ms", "--max-deliveries", "2"], stage: [picky]))
        try Waiting.until("every entry handled") { try Waiting.drained(redis, stream: "in", group: "g") }
        XCTAssertEqual(worker.terminate(), 0, worker.stderr)
        XCTAssertEqual(Set(try RedisFixtures.uids(redis, "out")), ["uid-0", "uid-1", "uid-3"])
        let entry = try JSONSerialization.jsonObject(with: Data(contentsOf: dead)) as? [String: Any]
        XCTAssertEqual((entry?["record"] as? [String: Any])?["uid"] as? String, "uid-2")
        XCTAssertEqual(entry?["code"] as? String, "RESOURCE_EXHAUSTED")
        XCTAssertTrue((entry?["diagnostics"] as? String ?? "").contains("picky: cannot take critical"), "\(String(describing: entry))")
        XCTAssertEqual(try redis.command(["HLEN", "in:cs-worker:g:diagnostics"]).int, 0, "kept diagnostics are dropped with their entries")
    }

    /// A stage that fails on a record that is not JSON (a plugin that does not reject it): that entry is
    /// dead-lettered at once with its id, not retried; the rest of its batch is taken again and goes through.
    func testNotJSONRecordThatFailsTheStageDeadLetteredAtOnce() throws {
        let server = try track(RedisServer())
        let redis = try RedisFixtures.connection(server)
        try redis.command(["XADD", "in", "*", "record", RedisFixtures.record(0)])
        let bad = try redis.command(["XADD", "in", "*", "record", "{\"a\": nope}"]).text!
        try redis.command(["XADD", "in", "*", "record", RedisFixtures.record(1)])
        let fragile = try script("fragile-stage", "input=$(cat)\ncase \"$input\" in *nope*) echo 'fragile: bad input' >&2; exit 3;; esac\nprintf '%s\\n' \"$input\"\n")
        let dead = scratch.appendingPathComponent("dead.ndjson")
        let worker = try start("cs", workerArgs(server, consumer: "w", extra: ["--to", server.url("out"), "--dead-letter", dead.path,
                                                                                     "--claim-idle", "100ms"], stage: [fragile]))
        try Waiting.until("every entry handled") { try Waiting.drained(redis, stream: "in", group: "g") }
        XCTAssertEqual(worker.terminate(), 0, worker.stderr)
        XCTAssertEqual(Set(try RedisFixtures.uids(redis, "out")), ["uid-0", "uid-1"])
        let lines = try String(contentsOf: dead, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 1, lines.joined(separator: "\n"))
        let entry = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        XCTAssertEqual(entry?["entry"] as? String, bad)
        XCTAssertTrue((entry?["reason"] as? String ?? "").hasPrefix("the record is not JSON"), "\(String(describing: entry))")
        XCTAssertEqual(entry?["record_text"] as? String, "{\"a\": nope}")
    }

    /// AUTH with a password from the environment; a wrong one is one UNAUTHENTICATED error, exit 3.
    func testPasswordFromEnvironmentAndWrongPassword() throws {
        let server = try track(RedisServer(password: "worker-pw"))
        let redis = try RedisFixtures.connection(server)
        try redis.command(["XADD", "in", "*", "record", RedisFixtures.record(0)])
        let worker = try start("cs", workerArgs(server, consumer: "w", extra: ["--to", server.url("out"), "--password-env", "CS_TEST_PW"]),
                                     environment: ["CS_TEST_PW": "worker-pw"])
        try Waiting.until("the record handled") { try Waiting.drained(redis, stream: "in", group: "g") }
        XCTAssertEqual(worker.terminate(), 0, worker.stderr)
        XCTAssertEqual(try RedisFixtures.uids(redis, "out"), ["uid-0"])
        let wrong = try ToolRunner.run("cs", workerArgs(server, consumer: "w", extra: ["--password-env", "CS_TEST_PW"]),
                                       environment: ["CS_TEST_PW": "not-the-pw-42"])
        XCTAssertEqual(wrong.status, 3, wrong.stderr)
        XCTAssertEqual(wrong.stderr.split(separator: "\n").count, 1, wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("UNAUTHENTICATED"), wrong.stderr)
        XCTAssertFalse(wrong.stderr.contains("not-the-pw-42"), wrong.stderr)
    }
}
