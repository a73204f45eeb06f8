import CSHTTP
import Foundation
import XCTest

/// `--per-host` counts hosts as libcurl's URL API splits URLs (CurlURL): spellings of one host are one host.
final class PerHostKeyTests: FetchTestCase {
    func testHostKeysThroughCurlsURLAPI() {
        let one = ["https://a.example", "https://a.example:443", "HTTPS://A.EXAMPLE/", "https://user:pw@a.example:443/feed?x#y"]
        XCTAssertEqual(Set(one.map(\.hostKey)), ["https://a.example"])
        XCTAssertEqual("http://a.example:80/x".hostKey, "http://a.example")
        XCTAssertEqual("http://a.example:0443/".hostKey, "http://a.example:443")
        XCTAssertNotEqual("https://a.example:8443".hostKey, "https://a.example".hostKey)
        XCTAssertNotEqual("http://a.example".hostKey, "https://a.example".hostKey)
        XCTAssertEqual("http://[::1]:8080/".hostKey, "http://[::1]:8080")
        XCTAssertEqual("http://0x7f.0.0.1:8080/".hostKey, "http://127.0.0.1:8080")
        XCTAssertEqual(CurlURL("HTTPS://User@Feed.Example.org:8443/a?b"), CurlURL("https://feed.example.org:8443/"))
        XCTAssertEqual(CurlURL("https://a.example:443/")?.port, nil)
        XCTAssertNil(CurlURL("https://a.example:99999/"))
    }

    /// Four spellings of the loopback server are one host: with --per-host 1 the server never sees two
    /// requests at once (it measures that itself).
    func testSpellingsOfOneHostShareThePerHostCap() throws {
        let port = server.port
        let spellings = ["http://127.0.0.1:\(port)", "HTTP://127.0.0.1:\(port)", "http://0x7f.0.0.1:\(port)", "http://2130706433:\(port)"]
        let urls = spellings.enumerated().map { "\($0.element)/slow/\(key)-\($0.offset)?seconds=1" }
        _ = try server.control("/control/max-in-flight")
        let run = try CSFetchRun.run(["--parallel", "8", "--per-host", "1"] + urls)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.records.count, 4)
        XCTAssertEqual(try server.control("/control/max-in-flight"), "1")
    }
}
