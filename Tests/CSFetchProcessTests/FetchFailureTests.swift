import Foundation
import XCTest

/// Feeds that fail in each way a real feed fails: one diagnostic with the URL and a gRPC code,
/// the other feeds unharmed, exit status 2.
final class FetchFailureTests: FetchTestCase {
    let common = ["--log-format", "json", "--retry-delay", "0.05"]

    func testOneOfThreeFeedsFailingDoesNotStopTheOthers() throws {
        let a = try server.writeFeed("\(key)-a.json", items: [("a1", "Alpha one"), ("a2", "Alpha two")])
        let b = try server.writeFeed("\(key)-b.json", items: [("b1", "Bravo one")])
        let missing = server.url("/status/404")
        let run = try CSFetchRun.run(common + [a, missing, b])
        XCTAssertEqual(Set(run.titles), ["Alpha one", "Alpha two", "Bravo one"])
        assertFailed(missing, code: "NOT_FOUND", messageContains: "404", in: run)
        let stats = try CSFetchRun.run(common + ["--stats", a, missing, b])
        let total = try XCTUnwrap(stats.diagnostics.first { $0["total"] as? Bool == true }, stats.stderr)
        XCTAssertEqual(total["feeds"] as? Int, 3)
        XCTAssertEqual(total["failed"] as? Int, 1)
        XCTAssertEqual(total["items"] as? Int, 3)
        for record in run.records { XCTAssertEqual(record["schema"] as? String, "cs.advisory/1") }
    }

    func testServerErrorThenSuccessIsRetried() throws {
        let url = server.url("/flaky/\(key)?fail=1")
        let run = try CSFetchRun.run(common + ["--stats", "--retries", "2", url])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.titles, ["Recovered item"])
        XCTAssertEqual(stats(run)[url]?["attempts"] as? Int, 2)
    }

    func testServerErrorWithoutRetriesFailsUnavailable() throws {
        let url = server.url("/flaky/\(key)?fail=5")
        let run = try CSFetchRun.run(common + ["--retries", "1", url])
        assertFailed(url, code: "UNAVAILABLE", messageContains: "HTTP 500 Internal Server Error (after 2 attempts)", in: run)
        XCTAssertTrue(run.records.isEmpty)
    }

    /// The server answers 429 again to a retry that comes before Retry-After has passed, so this
    /// only succeeds when the wait is honoured (the backoff alone would be 10 ms).
    func testTooManyRequestsHonoursRetryAfter() throws {
        let url = server.url("/ratelimited/\(key)?after=2")
        let run = try CSFetchRun.run(common + ["--stats", "--retries", "1", "--retry-delay", "0.01", url])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.titles, ["Rate limited item"])
        XCTAssertGreaterThanOrEqual(run.seconds, 1.9)
        XCTAssertEqual(stats(run)[url]?["attempts"] as? Int, 2)
    }

    /// The stall outlasts the run's hang guard: only --timeout can end the transfer.
    func testStalledBodyTimesOut() throws {
        let url = server.url("/stall?seconds=3600&k=\(key)")
        let run = try CSFetchRun.run(common + ["--timeout", "1", url])
        assertFailed(url, code: "DEADLINE_EXCEEDED", messageContains: "timed out", in: run)
    }

    func testResetConnectionIsRetriedThenUnavailable() throws {
        let url = server.url("/reset/\(key)")
        let run = try CSFetchRun.run(common + ["--retries", "1", url])
        assertFailed(url, code: "UNAVAILABLE", messageContains: "after 2 attempts", in: run)
        XCTAssertEqual(try server.control("/control/count?key=/reset/\(key)?"), "2")
    }

    func testConnectionRefusedIsUnavailable() throws {
        // Bind a port and close it again: nothing listens there afterwards.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        close(fd)
        let url = "http://127.0.0.1:\(UInt16(bigEndian: addr.sin_port))/feed.json"
        let run = try CSFetchRun.run(common + ["--retries", "0", url])
        assertFailed(url, code: "UNAVAILABLE", messageContains: "connect", in: run)
    }

    func testRedirectLoopStopsAfterTenRedirects() throws {
        let url = server.url("/loop/0?\(key)")
        let run = try CSFetchRun.run(common + [url])
        assertFailed(url, code: "FAILED_PRECONDITION", messageContains: "more than 10 redirects", in: run)
    }

    func testRedirectReportsTheFinalURL() throws {
        try server.writeFeed("\(key).json", items: [("r1", "Moved item")])
        let url = server.url("/redirect/\(key).json")
        let raw = try CSFetchRun.run(common + ["--raw", url])
        XCTAssertEqual(raw.status, 0, raw.stderr)
        XCTAssertEqual(raw.records.first?["url"] as? String, url)
        XCTAssertEqual(raw.records.first?["final_url"] as? String, server.url("/files/\(key).json"))
        let parsed = try CSFetchRun.run(common + [url])
        XCTAssertEqual(parsed.titles, ["Moved item"])
        let source = parsed.records.first?["source"] as? [String: Any]
        XCTAssertEqual(source?["feed_url"] as? String, server.url("/files/\(key).json"))
    }

    func testOversizedBodyIsRefused() throws {
        for path in ["/big", "/big-chunked"] {
            let url = server.url("\(path)?\(key)")
            let run = try CSFetchRun.run(common + ["--max-size", "1M", url])
            assertFailed(url, code: "RESOURCE_EXHAUSTED", messageContains: "larger than 1048576 bytes", in: run)
        }
        // Under a large enough limit the same body arrives (it is no feed, so it fails to parse instead).
        let url = server.url("/big?\(key)-ok")
        let run = try CSFetchRun.run(common + ["--max-size", "16M", url])
        assertFailed(url, code: "INVALID_ARGUMENT", in: run)
    }

    /// 64 KiB on the wire, 64 MiB decompressed: stopped by the decompressed size.
    func testGzipBombIsStoppedByItsDecompressedSize() throws {
        let url = server.url("/bomb?\(key)")
        let run = try CSFetchRun.run(common + ["--max-size", "1M", url])
        assertFailed(url, code: "RESOURCE_EXHAUSTED", messageContains: "after decompression", in: run)
    }

    func testCompressedFeedIsDecoded() throws {
        let run = try CSFetchRun.run(common + [server.url("/gzipped?\(key)")])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.titles, ["Compressed item"])
    }

    func testAuthStatusesMapToTheirCodes() throws {
        let cases = ["401": "UNAUTHENTICATED", "403": "PERMISSION_DENIED", "410": "NOT_FOUND"]
        let urls = cases.keys.sorted().map { server.url("/status/\($0)?\(key)") }
        let run = try CSFetchRun.run(common + urls)
        for (status, code) in cases {
            assertFailed(server.url("/status/\(status)?\(key)"), code: code, in: run)
        }
    }

    func testMissingFileURLIsNotFound() throws {
        let path = try temporaryDirectory().appendingPathComponent("absent.json").path
        let run = try CSFetchRun.run(common + ["file://" + path])
        assertFailed("file://" + path, code: "NOT_FOUND", in: run)
    }
}

/// TLS: verified unless --insecure (which warns); a private CA through --cacert.
final class FetchTLSTests: FetchTestCase {
    func tlsURL(_ path: String) throws -> String {
        guard let port = server.tlsPort else { throw XCTSkip("openssl(1) is needed for the TLS fixture") }
        return "https://127.0.0.1:\(port)\(path)"
    }

    func testSelfSignedCertificateIsRefused() throws {
        try server.writeFeed("\(key).json", items: [("t1", "Over TLS")])
        let url = try tlsURL("/files/\(key).json")
        let run = try CSFetchRun.run(["--log-format", "json", "--retries", "0", url])
        assertFailed(url, code: "UNAVAILABLE", messageContains: "TLS", in: run)
        XCTAssertTrue(run.records.isEmpty)
    }

    func testInsecureFetchesAndWarns() throws {
        try server.writeFeed("\(key).json", items: [("t1", "Over TLS")])
        let run = try CSFetchRun.run(["--insecure", try tlsURL("/files/\(key).json")])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.titles, ["Over TLS"])
        XCTAssertTrue(run.stderr.contains("NOT verified"), run.stderr)
    }

    func testPrivateCAVerifies() throws {
        try server.writeFeed("\(key).json", items: [("t1", "Over verified TLS")])
        let run = try CSFetchRun.run(["--cacert", server.certificate.path, try tlsURL("/files/\(key).json")])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.titles, ["Over verified TLS"])
        XCTAssertFalse(run.stderr.contains("NOT verified"))
        XCTAssertEqual(try CSFetchRun.run(["--cacert", "/nonexistent/ca.pem", try tlsURL("/")]).status, 64)
    }
}
