import Foundation
import XCTest

/// Base for the cs-fetch suites: one loopback server for the whole test process (each test uses
/// its own paths), and assertions on diagnostics.
class FetchTestCase: XCTestCase {
    nonisolated(unsafe) private static var sharedServer: FeedServer?
    nonisolated(unsafe) private static var serverError: Error?

    var server: FeedServer!
    /// Test-unique path component, so tests sharing the server never see each other's counters.
    var key: String { name.filter { $0.isLetter || $0.isNumber } }

    override func setUpWithError() throws {
        if FetchTestCase.sharedServer == nil && FetchTestCase.serverError == nil {
            do {
                let server = try FeedServer()
                FetchTestCase.sharedServer = server
                XCTestObservationCenter.shared.addTestObserver(ServerTeardown(server))
            } catch { FetchTestCase.serverError = error }
        }
        if let error = FetchTestCase.serverError { throw error }
        server = FetchTestCase.sharedServer
        _ = try CSFetchRun.binary()  // fails here, with the places looked at, when cs-fetch is not built
    }

    /// A fresh directory for state files and feed lists.
    func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-fetch-\(key)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// The one error diagnostic (`--log-format json`) about `url`.
    func error(about url: String, in run: CSFetchRun, file: StaticString = #filePath, line: UInt = #line) -> [String: Any]? {
        let found = run.diagnostics.filter { $0["level"] as? String == "error" && $0["input"] as? String == url }
        XCTAssertEqual(found.count, 1, "expected one error about \(url) in:\n\(run.stderr)", file: file, line: line)
        return found.first
    }

    func assertFailed(_ url: String, code: String, messageContains: String? = nil, in run: CSFetchRun,
                      file: StaticString = #filePath, line: UInt = #line) {
        guard let d = error(about: url, in: run, file: file, line: line) else { return }
        XCTAssertEqual(d["code"] as? String, code, "\(d)", file: file, line: line)
        if let messageContains {
            XCTAssertTrue((d["message"] as? String ?? "").contains(messageContains), "\(d)", file: file, line: line)
        }
        XCTAssertEqual(run.status, 2, "a failed feed makes the exit status 2\n\(run.stderr)", file: file, line: line)
    }

    /// `--stats` rows (with `--log-format json`) by URL.
    func stats(_ run: CSFetchRun) -> [String: [String: Any]] {
        var rows: [String: [String: Any]] = [:]
        for d in run.diagnostics where d["stats"] as? Bool == true {
            if let url = d["url"] as? String { rows[url] = d }
        }
        return rows
    }
}

/// Stops the shared server and removes its files when the test bundle is done.
final class ServerTeardown: NSObject, XCTestObservation {
    let server: FeedServer
    init(_ server: FeedServer) { self.server = server }
    func testBundleDidFinish(_ testBundle: Bundle) { server.stop() }
}
