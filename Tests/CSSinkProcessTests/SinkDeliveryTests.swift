import Foundation
import XCTest
import CSTestSupport

/// cs-sink delivering to loopback servers that fail on purpose: every record arrives exactly once
/// (counted by uid on the server) or is in the dead-letter file with its reason.
final class SinkDeliveryTests: XCTestCase {
    let token = "tok-\(UUID().uuidString)"

    private func deadLetter() -> URL { ToolRunner.temporaryFile("dead.ndjson") }

    private func lines(of url: URL) -> [String] {
        ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// HEC: 503, then 429 with Retry-After: 1, then a batch with invalid events. The events before
    /// an invalid one count as indexed, the invalid one is dead-lettered, the rest are sent again.
    func testSplunkHECThroughBusyRateLimitedAndInvalidEvents() throws {
        let server = try SinkServer(script: ["token": token, "hec": ["503", "429:1"]])
        let input = DeliveryRecords.lines(30, bad: [4, 17])
        let dead = deadLetter()
        defer { try? FileManager.default.removeItem(at: dead) }
        let started = Date()
        let r = try ToolRunner.run("cs-sink", ["--to", "splunk-hec+http://\(server.base)", "--token-env", "HEC_TOKEN",
                                               "--batch", "7", "--retries", "4", "--dead-letter", dead.path],
                                   stdin: DeliveryRecords.data(input), environment: ["HEC_TOKEN": token])
        XCTAssertEqual(r.status, 2, "records were dead-lettered: \(r.stderr)")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 1.0, "Retry-After: 1 was honoured")
        let arrived = try server.arrivals("hec")
        for i in 0..<30 where i != 4 && i != 17 {
            XCTAssertEqual(arrived[DeliveryRecords.uid(i)], 1, "record \(i) arrived exactly once")
        }
        XCTAssertNil(arrived[DeliveryRecords.uid(4)])
        XCTAssertNil(arrived[DeliveryRecords.uid(17)])
        XCTAssertEqual(lines(of: dead), [input[4], input[17]], "the refused records, verbatim")
        XCTAssertEqual(Array(try server.statuses("hec").prefix(2)), [503, 429])
        XCTAssertTrue(r.stderr.contains("<stdin>:5: not delivered to splunk-hec+http://\(server.base): Splunk HEC 400: Invalid data format (code 6) [id /briefs/4]"), r.stderr)
        XCTAssertTrue(r.stderr.contains("[id /briefs/17]"), r.stderr)
        XCTAssertFalse(r.stderr.contains(token), "the token never shows")
    }

    /// A token HEC refuses: every record is dead-lettered with HEC's reason, none silently lost.
    func testSplunkHECRefusedTokenDeadLettersEveryRecord() throws {
        let server = try SinkServer(script: ["token": token])
        let input = DeliveryRecords.lines(5)
        let dead = deadLetter()
        defer { try? FileManager.default.removeItem(at: dead) }
        let tokenFile = ToolRunner.temporaryFile("token")
        defer { try? FileManager.default.removeItem(at: tokenFile) }
        try Data("wrong-\(token)\n".utf8).write(to: tokenFile)
        let r = try ToolRunner.run("cs-sink", ["--to", "splunk-hec+http://\(server.base)", "--token-file", tokenFile.path,
                                               "--dead-letter", dead.path], stdin: DeliveryRecords.data(input))
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(lines(of: dead), input)
        XCTAssertTrue(r.stderr.contains("Splunk HEC 403: Invalid token (code 4)"), r.stderr)
        XCTAssertEqual(try server.statuses("hec"), [403], "one request: a refused token is not retried")
        XCTAssertFalse(r.stderr.contains(token))
        XCTAssertTrue((try server.arrivals("hec")).isEmpty)
    }

    /// Elasticsearch: a 503 for the first request, then bulk answers with some items refused (400:
    /// dead-lettered) and some pushed back (429: sent again). `_id` is the uid.
    func testElasticBulkItemsRejectedAndRetried() throws {
        let server = try SinkServer(script: ["token": token, "elastic": ["503"]])
        let input = DeliveryRecords.lines(20, bad: [3, 11], busy: [5, 12])
        let dead = deadLetter()
        defer { try? FileManager.default.removeItem(at: dead) }
        let r = try ToolRunner.run("cs-sink", ["--to", "elastic+http://\(server.base)/advisories", "--token-env", "ES_KEY",
                                               "--batch", "6", "--dead-letter", dead.path],
                                   stdin: DeliveryRecords.data(input), environment: ["ES_KEY": token])
        XCTAssertEqual(r.status, 2, r.stderr)
        let arrived = try server.arrivals("elastic")
        for i in 0..<20 where i != 3 && i != 11 {
            XCTAssertEqual(arrived[DeliveryRecords.uid(i)], 1, "record \(i) indexed exactly once")
        }
        XCTAssertEqual(arrived.count, 18)
        XCTAssertEqual(Set(try server.state()["busy_seen"] as? [String] ?? []), [DeliveryRecords.uid(5), DeliveryRecords.uid(12)])
        XCTAssertEqual(lines(of: dead), [input[3], input[11]])
        XCTAssertTrue(r.stderr.contains("Elasticsearch refused the document: 400 mapper_parsing_exception: failed to parse field [cs.title] [id /briefs/3]"), r.stderr)
        XCTAssertEqual(try server.statuses("elastic").first, 503)
        XCTAssertFalse(r.stderr.contains(token))
    }

    /// Elasticsearch refusing the credentials: everything dead-lettered with the server's reason.
    func testElasticUnauthorized() throws {
        let server = try SinkServer(script: ["token": token])
        let dead = deadLetter()
        defer { try? FileManager.default.removeItem(at: dead) }
        let r = try ToolRunner.run("cs-sink", ["--to", "elastic+http://\(server.base)/advisories", "--header-env", "Authorization=ES_AUTH",
                                               "--dead-letter", dead.path],
                                   stdin: DeliveryRecords.data(DeliveryRecords.lines(3)), environment: ["ES_AUTH": "Basic d3Jvbmc6d3Jvbmc="])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(lines(of: dead).count, 3)
        XCTAssertTrue(r.stderr.contains("HTTP 401: security_exception: unable to authenticate"), r.stderr)
        XCTAssertFalse(r.stderr.contains("d3Jvbmc6d3Jvbmc="))
    }

    /// The webhook: one JSON object per POST by default, arrays of up to N with --batch N.
    func testWebhookObjectsAndBatchedArrays() throws {
        let server = try SinkServer(script: ["token": token])
        let input = DeliveryRecords.lines(7)
        var r = try ToolRunner.run("cs-sink", ["--to", "http://\(server.base)/hook", "--token-env", "HOOK"],
                                   stdin: DeliveryRecords.data(input), environment: ["HOOK": token])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try server.state()["hook_bodies"] as? [String], Array(repeating: "object", count: 7))
        r = try ToolRunner.run("cs-sink", ["--to", "http://\(server.base)/hook", "--token-env", "HOOK", "--batch", "3"],
                               stdin: DeliveryRecords.data(input), environment: ["HOOK": token])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try server.state()["hook_bodies"] as? [String], Array(repeating: "object", count: 7) + ["array", "array", "array"])
        let arrived = try server.arrivals("hook")
        XCTAssertEqual(arrived.count, 7)
        XCTAssertTrue(arrived.values.allSatisfy { $0 == 2 }, "each record once per run: \(arrived)")
    }

    /// A server that keeps failing and one that is not there: after --retries, every record is in
    /// the dead-letter file with the last reason; exit status 2.
    func testRetriesExhaustedAndConnectionRefused() throws {
        let server = try SinkServer(script: ["hook": ["503", "503", "503"]])
        let input = DeliveryRecords.lines(4)
        let dead = deadLetter()
        defer { try? FileManager.default.removeItem(at: dead) }
        var r = try ToolRunner.run("cs-sink", ["--to", "http://\(server.base)/hook", "--batch", "4", "--retries", "1",
                                               "--dead-letter", dead.path], stdin: DeliveryRecords.data(input))
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(try server.statuses("hook"), [503, 503], "one attempt and one retry")
        XCTAssertEqual(lines(of: dead), input)
        XCTAssertTrue(r.stderr.contains("gave up after 2 attempts: HTTP 503"), r.stderr)
        XCTAssertTrue(r.stderr.contains("4 inputs rejected"), r.stderr)

        try FileManager.default.removeItem(at: dead)
        // A port nobody listens on (the server's, once it is stopped).
        let port = server.port
        server.stop()
        r = try ToolRunner.run("cs-sink", ["--to", "http://127.0.0.1:\(port)/hook", "--retries", "2", "--dead-letter", dead.path],
                               stdin: DeliveryRecords.data(input))
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(lines(of: dead), input)
        XCTAssertTrue(r.stderr.contains("gave up after 3 attempts: cannot connect"), r.stderr)
    }

    /// HTTPS: the server's certificate is verified (against --ca-file here); an unverifiable one
    /// dead-letters the records with the TLS error, unless --insecure (which warns).
    func testHTTPSVerifiesTheServerCertificate() throws {
        let dir = ToolRunner.temporaryFile("tls")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cert = dir.appendingPathComponent("cert.pem").path, key = dir.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw XCTSkip("openssl could not make a test certificate") }
        let server = try SinkServer(script: ["token": token, "tls": ["cert": cert, "key": key]])
        let input = DeliveryRecords.lines(3)
        let env = ["HEC_TOKEN": token]
        let verified = try ToolRunner.run("cs-sink", ["--to", "splunk-hec+https://\(server.base)", "--token-env", "HEC_TOKEN", "--ca-file", cert],
                                          stdin: DeliveryRecords.data(input), environment: env)
        XCTAssertEqual(verified.status, 0, verified.stderr)
        XCTAssertEqual(try server.arrivals("hec").count, 3)
        let dead = deadLetter()
        defer { try? FileManager.default.removeItem(at: dead) }
        let unverified = try ToolRunner.run("cs-sink", ["--to", "splunk-hec+https://\(server.base)", "--token-env", "HEC_TOKEN", "--dead-letter", dead.path],
                                            stdin: DeliveryRecords.data(input), environment: env)
        XCTAssertEqual(unverified.status, 2)
        XCTAssertTrue(unverified.stderr.contains("TLS failed"), unverified.stderr)
        XCTAssertEqual(lines(of: dead), input, "not sent to an unverified server, kept")
        let insecure = try ToolRunner.run("cs-sink", ["--to", "splunk-hec+https://\(server.base)", "--token-env", "HEC_TOKEN", "--insecure"],
                                          stdin: DeliveryRecords.data(input), environment: env)
        XCTAssertEqual(insecure.status, 0, insecure.stderr)
        XCTAssertTrue(insecure.stderr.contains("--insecure: the server's TLS certificate is not verified"), insecure.stderr)
        XCTAssertTrue(try server.arrivals("hec").values.allSatisfy { $0 == 2 })
    }

    /// A batch the server finds too large (413) is sent again in halves: no record lost to a size limit.
    func testTooLargeBatchIsSplit() throws {
        let server = try SinkServer(script: ["hook": ["413"]])
        let r = try ToolRunner.run("cs-sink", ["--to", "http://\(server.base)/hook", "--batch", "4"], stdin: DeliveryRecords.data(DeliveryRecords.lines(4)))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try server.statuses("hook"), [413, 200, 200])
        XCTAssertEqual(try server.arrivals("hook").count, 4)
    }

    /// SIGTERM during a backoff: the wait is cut short, the records still pending are dead-lettered
    /// (not dropped), and the stage exits with 143. The 7 backoffs left would add up to at least 45 s;
    /// a stage that sat them out would give up after its retries instead, and say so.
    func testSIGTERMDuringBackoffDeadLettersThePending() throws {
        let server = try SinkServer(script: ["hook": Array(repeating: "503", count: 10)])
        let dead = deadLetter()
        let errors = ToolRunner.temporaryFile("sink-stderr")
        defer { try? FileManager.default.removeItem(at: dead); try? FileManager.default.removeItem(at: errors) }
        let (process, input) = try startSink(["--to", "http://\(server.base)/hook", "--batch", "2", "--retries", "8", "--dead-letter", dead.path],
                                             errors: errors)
        let records = DeliveryRecords.lines(2)
        input.fileHandleForWriting.write(DeliveryRecords.data(records))
        XCTAssertTrue(server.wait { ($0["requests"] as? [Any])?.count ?? 0 >= 2 }, "retrying")
        process.terminate()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 143)
        XCTAssertEqual(lines(of: dead), records)
        let stderr = try String(contentsOf: errors, encoding: .utf8)
        XCTAssertTrue(stderr.contains("stopped by a signal before delivery succeeded"), "the backoff was cut short: \(stderr)")
        XCTAssertFalse(stderr.contains("gave up after"), stderr)
        XCTAssertLessThan(try server.statuses("hook").count, 9, "not every retry was made")
    }

    /// A partial batch leaves after --flush-interval although the input stays open and idle; the
    /// rest leaves at the end of input.
    func testFlushIntervalSendsWhileInputIsIdle() throws {
        let server = try SinkServer()
        let (process, input) = try startSink(["--to", "http://\(server.base)/hook", "--batch", "100", "--flush-interval", "0.3"])
        let records = DeliveryRecords.lines(5)
        input.fileHandleForWriting.write(DeliveryRecords.data(Array(records[0..<3])))
        XCTAssertTrue(server.wait { ($0["hook"] as? [String: Int])?.count == 3 }, "3 records sent while stdin stays open")
        XCTAssertTrue(process.isRunning)
        XCTAssertEqual(try server.state()["hook_bodies"] as? [String], ["array"])
        input.fileHandleForWriting.write(DeliveryRecords.data(Array(records[3...])))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertEqual(try server.arrivals("hook").count, 5)
    }

    /// SIGTERM: the pending batch is sent before the stage exits with 143.
    func testSIGTERMFlushesPendingRecords() throws {
        let server = try SinkServer()
        let (process, input) = try startSink(["--to", "splunk-hec+http://\(server.base)", "--token-env", "HEC_TOKEN",
                                              "--batch", "100", "--flush-interval", "3600"], environment: ["HEC_TOKEN": token])
        input.fileHandleForWriting.write(DeliveryRecords.data(DeliveryRecords.lines(4)))
        XCTAssertTrue(Readiness.idle(input, by: process), "cs-sink read its input")
        XCTAssertEqual(try server.arrivals("hec").count, 0, "still batching")
        process.terminate()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 143)
        XCTAssertEqual(try server.arrivals("hec").count, 4, "flushed on SIGTERM")
    }

    /// Credentials stay off the command line and out of --describe, --help and diagnostics.
    func testCredentialsNeverShown() throws {
        let describe = try ToolRunner.run("cs-sink", ["--describe", "--to", "splunk-hec+http://127.0.0.1:9/", "--token-env", "HEC_TOKEN"],
                                          environment: ["HEC_TOKEN": token])
        XCTAssertEqual(describe.status, 0)
        let text = describe.text
        XCTAssertFalse(text.contains(token))
        for option in ["--batch", "--flush-interval", "--retries", "--timeout", "--token-env", "--token-file", "--header-env"] {
            XCTAssertTrue(text.contains("\"\(option)\""), "\(option) in --describe")
        }
        let inURL = try ToolRunner.run("cs-sink", ["--to", "https://user:\(token)@hooks.example/x"])
        XCTAssertEqual(inURL.status, 64)
        XCTAssertTrue(inURL.stderr.contains("credentials in the URL are refused"), inURL.stderr)
        let badHeader = try ToolRunner.run("cs-sink", ["--to", "http://127.0.0.1:9/", "--header", "Authorization \(token)"])
        XCTAssertEqual(badHeader.status, 64)
        XCTAssertFalse(badHeader.stderr.contains(token), badHeader.stderr)
        let unset = try ToolRunner.run("cs-sink", ["--to", "splunk-hec+http://127.0.0.1:9", "--token-env", "CS_NO_SUCH_VARIABLE"])
        XCTAssertEqual(unset.status, 64)
        XCTAssertTrue(unset.stderr.contains("CS_NO_SUCH_VARIABLE is not set"), unset.stderr)
    }

    func testDeliveryUsageErrors() throws {
        XCTAssertEqual(try ToolRunner.run("cs-sink", ["--batch", "5"]).status, 64, "--batch needs a network destination")
        XCTAssertEqual(try ToolRunner.run("cs-sink", ["--to", "splunk-hec+http://127.0.0.1:9"]).status, 64, "HEC needs a token")
        XCTAssertEqual(try ToolRunner.run("cs-sink", ["--to", "elastic+http://127.0.0.1:9/Bad"]).status, 64, "index names are lower case")
        XCTAssertEqual(try ToolRunner.run("cs-sink", ["--to", "elastic+http://127.0.0.1:9"]).status, 64, "an index is needed")
        XCTAssertEqual(try ToolRunner.run("cs-sink", ["--to", "http://127.0.0.1:9/", "--format", "csv"]).status, 64)
        XCTAssertEqual(try ToolRunner.run("cs-sink", ["--to", "syslog+udp://127.0.0.1"]).status, 64, "syslog needs a port")
        XCTAssertEqual(try ToolRunner.run("cs-sink", ["--to", "gopher://127.0.0.1:9"]).status, 64)
    }

    /// cs-sink reading from a pipe the test keeps open.
    private func startSink(_ arguments: [String], environment: [String: String] = [:], errors: URL? = nil) throws -> (Process, Pipe) {
        let p = Process()
        p.executableURL = try ToolRunner.executable("cs-sink")
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let input = Pipe()
        p.standardInput = input
        p.standardOutput = FileHandle.nullDevice
        if let errors {
            _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
            p.standardError = try FileHandle(forWritingTo: errors)
        } else {
            p.standardError = FileHandle.nullDevice
        }
        try p.run()
        addTeardownBlock {
            if p.isRunning { p.terminate() }
        }
        return (p, input)
    }
}
