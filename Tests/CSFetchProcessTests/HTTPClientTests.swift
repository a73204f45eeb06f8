import Foundation
import XCTest
import CSCore
@testable import CSHTTP

/// CSHTTP on its own: the request/response API that cs-sink uses too.
final class HTTPClientTests: FetchTestCase {
    func testPostSendsMethodHeadersAndBody() throws {
        let client = HTTPClient(retry: .none)
        let body = Array(#"{"event":"x","bytes":"\u00e9"}"#.utf8)
        let outcome = client.perform(HTTPRequest(url: server.url("/echo/\(key)"), method: "POST",
                                                 headers: [("Content-Type", "application/json"), ("X-Test", "yes\r\nInjected: 1")],
                                                 body: body))
        let response = try outcome.result.get()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("x-reply"), "yes", "header lookup ignores case and drops the CRLF")
        let echo = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        XCTAssertEqual(echo["method"] as? String, "POST")
        XCTAssertEqual(echo["length"] as? Int, body.count)
        XCTAssertEqual(echo["content_type"] as? String, "application/json")
        XCTAssertEqual(echo["x_test"] as? String, "yesInjected: 1", "line breaks in values cannot start a new header")
    }

    /// A sink posts batch after batch through one client: the connection is kept and reused.
    func testOneClientReusesItsConnection() throws {
        let client = HTTPClient(retry: .none)
        var ports: [Int] = []
        for i in 0..<3 {
            let outcome = client.perform(HTTPRequest(url: server.url("/echo/\(key)"), method: "POST", body: Array("batch \(i)".utf8)))
            let echo = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try outcome.result.get().body)) as? [String: Any])
            ports.append(try XCTUnwrap(echo["peer_port"] as? Int))
        }
        XCTAssertEqual(Set(ports).count, 1, "one connection for all three requests: \(ports)")
    }

    func testPutWithoutBodySendsAnEmptyBody() throws {
        let outcome = HTTPClient(retry: .none).perform(HTTPRequest(url: server.url("/echo/\(key)"), method: "PUT", timeout: 30))
        let echo = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try outcome.result.get().body)) as? [String: Any])
        XCTAssertEqual(echo["method"] as? String, "PUT")
        XCTAssertEqual(echo["length"] as? Int, 0)
    }

    func testPostIsRetriedOn503() throws {
        let client = HTTPClient(retry: RetryPolicy(retries: 2, baseDelay: 0.01))
        let outcome = client.perform(HTTPRequest(url: server.url("/echo/\(key)-fail-once"), method: "POST", body: Array("x".utf8)))
        XCTAssertEqual(outcome.attempts, 2)
        XCTAssertEqual(try outcome.result.get().status, 200)
    }

    func testManyRequestsCompleteOnceEach() throws {
        for i in 0..<5 { try server.writeFeed("\(key)-\(i).json", items: [("\(i)", "Item \(i)")]) }
        let requests = (0..<5).map { HTTPRequest(url: server.url("/files/\(key)-\($0).json"), tag: $0) }
        var seen: [Int] = []
        HTTPClient(parallel: 2, perHost: 2, retry: .none).run(requests) { outcome in
            XCTAssertEqual((try? outcome.result.get())?.status, 200)
            seen.append(outcome.request.tag)
        }
        XCTAssertEqual(seen.sorted(), [0, 1, 2, 3, 4])
    }

    func testRetryAfterForms() {
        let now = WallClock.now()
        XCTAssertEqual(RetryAfter.seconds("120", now: 0), 120)
        XCTAssertEqual(RetryAfter.seconds(" 7 ", now: 0), 7)
        XCTAssertEqual(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777)
        XCTAssertEqual(RetryAfter.seconds("Sun, 06 Nov 1994 08:49:47 GMT", now: 784111777), 10)
        XCTAssertEqual(RetryAfter.seconds("Sun, 06 Nov 1994 08:49:47 GMT", now: Int(now)), 0, "a date in the past means now")
        XCTAssertNil(RetryAfter.seconds("soon", now: 0))
        XCTAssertNil(RetryAfter.seconds("", now: 0))
        // The obsolete forms a server may still send (RFC 9110 §5.6.7 says recipients accept them).
        XCTAssertEqual(RetryAfter.seconds("Sunday, 06-Nov-94 08:49:47 GMT", now: 784111777), 10)
        XCTAssertEqual(RetryAfter.seconds("Sun Nov  6 08:49:47 1994", now: 784111777), 10)
    }

    /// All three HTTP-date forms name the same instant; anything else is no date.
    func testHTTPDateForms() {
        XCTAssertEqual(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777, "IMF-fixdate")
        XCTAssertEqual(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777, "RFC 850")
        XCTAssertEqual(HTTPDate.parse("Sun Nov  6 08:49:37 1994"), 784111777, "asctime")
        XCTAssertEqual(HTTPDate.parse("Thu, 01 Jan 2037 00:00:00 GMT"), 2114380800)
        XCTAssertNil(HTTPDate.parse(""))
        XCTAssertNil(HTTPDate.parse("soon"))
        XCTAssertNil(HTTPDate.parse("Sun, 32 Nov 1994 08:49:37 GMT"))
    }

    func testRetryPolicyDecisions() {
        let policy = RetryPolicy(retries: 2, baseDelay: 1, maxDelay: 30, maxRetryAfter: 60)
        func response(_ status: Int, _ headers: [(name: String, value: String)] = []) -> Result<HTTPResponse, HTTPError> {
            .success(HTTPResponse(status: status, headers: headers, body: [], finalURL: "", redirects: 0, elapsedMs: 0))
        }
        XCTAssertNil(policy.delay(after: response(200), attempt: 1))
        XCTAssertNil(policy.delay(after: response(404), attempt: 1))
        XCTAssertNotNil(policy.delay(after: response(500), attempt: 1))
        XCTAssertNil(policy.delay(after: response(500), attempt: 3), "two retries, then the outcome is final")
        XCTAssertEqual(policy.delay(after: response(429, [("Retry-After", "5")]), attempt: 1), 5)
        XCTAssertNil(policy.delay(after: response(429, [("Retry-After", "3600")]), attempt: 1), "longer than maxRetryAfter: give up")
        XCTAssertNotNil(policy.delay(after: .failure(HTTPError(.connect, "refused")), attempt: 1))
        XCTAssertNil(policy.delay(after: .failure(HTTPError(.tooLarge, "big")), attempt: 1))
        for attempt in 1...6 {
            let step = min(30, Double(1 << (attempt - 1)))
            let d = policy.backoff(attempt: attempt)
            XCTAssertTrue(d >= step / 2 && d <= step, "attempt \(attempt): \(d)")
        }
    }

    func testHostKey() {
        XCTAssertEqual(HTTPRequest(url: "HTTPS://User@Feed.Example.org:8443/a?b").hostKey, "https://feed.example.org:8443")
        XCTAssertEqual(HTTPRequest(url: "http://example.org").hostKey, "http://example.org")
        XCTAssertEqual(HTTPRequest(url: "file:///tmp/x.json").hostKey, "file://")
    }

    func testRedirectedRequestKeepsSecretsOnlyAtTheirOrigin() {
        let request = HTTPRequest(url: "https://a.example/feed", method: "POST",
                                  headers: [("X-Key", "k"), ("Accept", "*/*")], body: [1], sensitiveHeaders: ["x-KEY"])
        let same = request.redirected(to: "https://a.example/other", status: 307)
        XCTAssertEqual(same.headers.map(\.name), ["X-Key", "Accept"])
        XCTAssertEqual(same.method, "POST")
        XCTAssertEqual(same.body, [1])
        let away = request.redirected(to: "https://b.example/feed", status: 303)
        XCTAssertEqual(away.headers.map(\.name), ["Accept"])
        XCTAssertEqual(away.method, "GET")
        XCTAssertNil(away.body)
        XCTAssertEqual(request.redirected(to: "http://a.example/feed", status: 308).headers.count, 1, "another scheme is another origin")
    }

    func testBacklogKeepsOrderPerHostAndSkipsBackoffs() {
        var backlog = Backlog()
        for (i, url) in ["http://a.example/1", "http://b.example/1", "http://a.example/2", "http://a.example/3"].enumerated() {
            var entry = PendingRequest(HTTPRequest(url: url, tag: i))
            if i == 0 { entry.notBefore = 50 }  // backing off until t=50
            backlog.add(entry)
        }
        XCTAssertEqual(backlog.hosts, ["http://a.example", "http://b.example"])
        XCTAssertEqual(backlog.count, 4)
        XCTAssertEqual(backlog.takeReady(host: "http://a.example", now: 10)?.request.tag, 2, "the entry in backoff lets the next go")
        XCTAssertEqual(backlog.takeReady(host: "http://a.example", now: 10)?.request.tag, 3)
        XCTAssertNil(backlog.takeReady(host: "http://a.example", now: 10))
        XCTAssertEqual(backlog.earliest, 0, "b's entry is ready at once")
        XCTAssertEqual(backlog.takeReady(host: "http://b.example", now: 10)?.request.tag, 1)
        XCTAssertEqual(backlog.hosts, ["http://a.example"])
        XCTAssertEqual(backlog.earliest, 50)
        XCTAssertEqual(backlog.takeReady(host: "http://a.example", now: 50)?.request.tag, 0)
        XCTAssertTrue(backlog.isEmpty)
        XCTAssertEqual(backlog.hosts, [])
        // Many entries on one host: taken in order, the queue compacting as it goes.
        for i in 0..<500 { backlog.add(PendingRequest(HTTPRequest(url: "http://c.example/\(i)", tag: i))) }
        var tags: [Int] = []
        while let e = backlog.takeReady(host: "http://c.example", now: 0) { tags.append(e.request.tag) }
        XCTAssertEqual(tags, Array(0..<500))
    }

    func testStatusCodes() {
        XCTAssertEqual(HTTPStatus.code(for: 404), .notFound)
        XCTAssertEqual(HTTPStatus.code(for: 401), .unauthenticated)
        XCTAssertEqual(HTTPStatus.code(for: 403), .permissionDenied)
        XCTAssertEqual(HTTPStatus.code(for: 429), .resourceExhausted)
        XCTAssertEqual(HTTPStatus.code(for: 502), .unavailable)
    }
}
