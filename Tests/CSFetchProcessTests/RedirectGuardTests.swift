import CSHTTP
import Foundation
import XCTest

/// The redirect guard (SSRF): a feed on a public address must not lead cs-fetch to a loopback,
/// private or link-local one. Loopback servers are all a test has, so the shared server is
/// declared public through the test hook CS_FETCH_TEST_PUBLIC_ADDRESSES ("127.0.0.1:PORT"), and a
/// second server, on another port and not declared, plays a service on the internal network.
final class RedirectGuardTests: FetchTestCase {
    /// One for the class (started on first use, stopped when the test bundle ends, like the shared one).
    nonisolated(unsafe) private static var sharedIntranet: FeedServer?
    private var intranet: FeedServer!

    override func setUpWithError() throws {
        try super.setUpWithError()
        if RedirectGuardTests.sharedIntranet == nil {
            let second = try FeedServer()
            RedirectGuardTests.sharedIntranet = second
            XCTestObservationCenter.shared.addTestObserver(ServerTeardown(second))
        }
        intranet = RedirectGuardTests.sharedIntranet
    }

    /// The shared server's /goto redirecting to the intranet server's feed.
    private func redirectToIntranet() throws -> (url: String, target: String) {
        let target = try intranet.writeFeed("\(key).json", items: [("s", "Internal secret")])
        let encoded = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        return (server.url("/goto/\(key)?url=\(encoded)"), target)
    }

    private var publicShared: [String: String] { ["CS_FETCH_TEST_PUBLIC_ADDRESSES": "127.0.0.1:\(server.port)"] }

    private func intranetRequests() throws -> String { try intranet.control("/control/count?key=/files/\(key).json") }

    func testRedirectFromPublicToPrivateIsRefusedBeforeAnythingIsSent() throws {
        let (url, target) = try redirectToIntranet()
        // Followed by libcurl, and by HTTPClient itself (a secret header makes it follow redirects).
        for extra in [[], ["--header", "Authorization: Bearer t0ken"]] {
            let run = try CSFetchRun.run(["--log-format", "json", "--retries", "0"] + extra + [url], environment: publicShared)
            assertFailed(url, code: "PERMISSION_DENIED", in: run)
            XCTAssertEqual(run.records.count, 0)
            let message = error(about: url, in: run)?["message"] as? String ?? ""
            XCTAssertTrue(message.contains(url) && message.contains(target), "names both URLs: \(message)")
            XCTAssertTrue(message.contains("--allow-private-redirects"), message)
        }
        XCTAssertEqual(try intranetRequests(), "0", "the intranet server never saw the request")
    }

    func testAllowPrivateRedirectsLiftsTheRule() throws {
        let (url, _) = try redirectToIntranet()
        let run = try CSFetchRun.run(["--retries", "0", "--allow-private-redirects", url], environment: publicShared)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.titles, ["Internal secret"])
    }

    /// A URL the user names is fetched wherever it is; from a private address, a redirect to another
    /// private one is no escalation.
    func testNamedLoopbackURLsAndPrivateToPrivateRedirectsAreFollowed() throws {
        let (url, target) = try redirectToIntranet()
        let direct = try CSFetchRun.run(["--retries", "0", target])
        XCTAssertEqual(direct.titles, ["Internal secret"], direct.stderr)
        let viaLoopback = try CSFetchRun.run(["--retries", "0", url])
        XCTAssertEqual(viaLoopback.status, 0, viaLoopback.stderr)
        XCTAssertEqual(viaLoopback.titles, ["Internal secret"])
    }

    func testAddressClasses() {
        for ip in ["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "192.169.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "2a00:1450::1"] {
            XCTAssertTrue(IPAddress.isPublic(ip), ip)
        }
        for ip in ["127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                   "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "192.0.2.1",
                   "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
                   "::127.0.0.1", "64:ff9b::a00:1", "2002:7f00:1::1", "2001:db8::1", "not an address", ""] {
            XCTAssertFalse(IPAddress.isPublic(ip), ip)
        }
        let hook = RedirectGuard(publicForTesting: ["127.0.0.1:8080", "::1"])
        XCTAssertTrue(hook.isPublic(ip: "127.0.0.1", port: 8080))
        XCTAssertFalse(hook.isPublic(ip: "127.0.0.1", port: 8081))
        XCTAssertTrue(hook.isPublic(ip: "::1", port: 1))
        XCTAssertFalse(RedirectGuard().isPublic(ip: "127.0.0.1", port: 8080))
    }
}
