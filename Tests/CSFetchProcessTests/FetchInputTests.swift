import Foundation
import XCTest
import CSCore

/// Where feeds come from, what goes out with them (headers, User-Agent), and `--raw` envelopes.
final class FetchInputTests: FetchTestCase {
    func testFeedListWithCommentsAndABadLine() throws {
        let dir = try temporaryDirectory()
        let a = try server.writeFeed("\(key)-a.json", items: [("a", "From list A")])
        let b = try server.writeFeed("\(key)-b.json", items: [("b", "From list B")])
        let list = dir.appendingPathComponent("feeds.txt")
        try "# my feeds\n\(a)\n\n   \(b)   # the second\nftp://example.org/feed\n\(a)\n".write(to: list, atomically: true, encoding: .utf8)
        let run = try CSFetchRun.run(["--log-format", "json", "--feeds", list.path])
        XCTAssertEqual(run.titles.sorted(), ["From list A", "From list B"], "each URL once, comments ignored")
        let bad = run.diagnostics.first { $0["level"] as? String == "error" }
        XCTAssertEqual(bad?["input"] as? String, list.path)
        XCTAssertEqual(bad?["line"] as? Int, 5)
        XCTAssertEqual(bad?["code"] as? String, "INVALID_ARGUMENT")
        XCTAssertEqual(run.status, 2)

        let crlf = dir.appendingPathComponent("feeds-crlf.txt")
        try "# written on Windows\r\n\(a)\r\n\(b)\r\n".write(to: crlf, atomically: true, encoding: .utf8)
        let windows = try CSFetchRun.run(["--feeds", crlf.path])
        XCTAssertEqual(windows.status, 0, windows.stderr)
        XCTAssertEqual(windows.titles.sorted(), ["From list A", "From list B"])
    }

    func testOPMLSubscriptionList() throws {
        let dir = try temporaryDirectory()
        let a = try server.writeFeed("\(key)-a.json", items: [("a", "From OPML A")])
        let b = try server.writeFeed("\(key)-b.json", items: [("b", "From OPML B")])
        let opml = dir.appendingPathComponent("subs.opml")
        try """
            <?xml version="1.0" encoding="UTF-8"?>
            <opml version="2.0"><head><title>Subscriptions</title></head><body>
              <outline text="Security">
                <outline type="rss" text="A" xmlUrl="\(a)"/>
                <outline text="B &amp; co" type="rss" htmlUrl="https://example.org/" xmlUrl='\(b)?x=1&amp;y=2'/>
              </outline>
            </body></opml>
            """.write(to: opml, atomically: true, encoding: .utf8)
        let run = try CSFetchRun.run(["--log-format", "json", "--stats", "--feeds", opml.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.titles.sorted(), ["From OPML A", "From OPML B"])
        XCTAssertNotNil(stats(run)[b + "?x=1&y=2"], "entities in attributes are decoded: \(run.stderr)")
    }

    func testLocalPathsAndFileURLs() throws {
        let dir = try temporaryDirectory()
        let feed = dir.appendingPathComponent("local feed.json")
        try Data(#"{"version":"https://jsonfeed.org/version/1.1","title":"L","items":[{"id":"1","title":"Local item"}]}"#.utf8).write(to: feed)
        let run = try CSFetchRun.run([feed.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.titles, ["Local item"])
        let missing = try CSFetchRun.run(["--log-format", "json", dir.appendingPathComponent("nope.json").path])
        assertFailed(dir.appendingPathComponent("nope.json").path, code: "NOT_FOUND", in: missing)
    }

    func testUserAgentNamesCSFetchAndItsVersionAndFeedsAreAccepted() throws {
        let run = try CSFetchRun.run([server.url("/whoami?\(key)")])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.titles.count, 2)
        XCTAssertEqual(run.titles.first, "cs-fetch/" + CSVersion.string)
        XCTAssertTrue(run.titles.last?.hasPrefix("application/feed+json, application/rss+xml") ?? false, "\(run.titles)")
        let own = try CSFetchRun.run(["--header", "Accept: text/plain", server.url("/whoami?\(key)-own")])
        XCTAssertEqual(own.titles.last, "text/plain", "a given Accept replaces the default")
    }

    func testHeaderFromEnvironmentIsSentAndNeverPrinted() throws {
        let secret = "s3cr3t-\(UUID().uuidString)"
        let url = server.url("/auth?token=\(secret)")
        let withoutToken = try CSFetchRun.run(["--log-format", "json", url])
        assertFailed(url, code: "UNAUTHENTICATED", in: withoutToken)

        let env = ["CS_TEST_TOKEN": "Bearer " + secret]
        let ok = try CSFetchRun.run(["--log-format", "json", "--stats", "--header-env", "Authorization=CS_TEST_TOKEN", url], environment: env)
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertEqual(ok.titles, ["Private item"])
        // The token is only in the URL of this test server; nothing else may echo the header value.
        let failing = server.url("/status/500?\(key)")
        let bad = try CSFetchRun.run(["--log-format", "json", "--stats", "--retries", "0", "--header-env", "Authorization=CS_TEST_TOKEN", failing], environment: env)
        XCTAssertEqual(bad.status, 2)
        XCTAssertFalse(bad.stderr.contains(secret) || bad.stdout.contains(secret), bad.stderr)
        let describe = try CSFetchRun.run(["--describe", "--header-env", "Authorization=CS_TEST_TOKEN"], environment: env)
        XCTAssertFalse(describe.stdout.contains(secret))

        let unset = try CSFetchRun.run(["--header-env", "Authorization=CS_TEST_UNSET_\(key)", url])
        XCTAssertEqual(unset.status, 64)
    }

    func testHeaderOptionIsSent() throws {
        let url = server.url("/auth?token=plain")
        let run = try CSFetchRun.run(["--header", "Authorization: Bearer plain", url])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.titles, ["Private item"])
        let mistyped = try CSFetchRun.run(["--header", "Bearer t0ken-typed-wrong", url])
        XCTAssertEqual(mistyped.status, 64)
        XCTAssertFalse(mistyped.stderr.contains("t0ken"), "a mistyped header is not echoed: \(mistyped.stderr)")
    }

    func testRawEnvelopes() throws {
        let url = try server.writeFeed("\(key).json", items: [("1", "Raw item")])
        let binary = server.root.appendingPathComponent("\(key).bin")
        try Data([0xFF, 0xFE, 0x00, 0x80, 0x41]).write(to: binary)
        let run = try CSFetchRun.run(["--raw", url, server.url("/files/\(key).bin")])
        XCTAssertEqual(run.status, 0, run.stderr)
        let byURL = Dictionary(run.records.map { ($0["url"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        let text = try XCTUnwrap(byURL[url])
        XCTAssertEqual(Array(text.keys).sorted(), ["body", "body_encoding", "content_type", "etag", "fetched_at", "final_url",
                                                   "last_modified", "schema", "status", "url"])
        XCTAssertEqual(text["schema"] as? String, "cs.fetch/1")
        XCTAssertEqual(text["status"] as? Int, 200)
        XCTAssertEqual(text["body_encoding"] as? String, "utf-8")
        XCTAssertEqual(text["body"] as? String, try String(contentsOf: server.root.appendingPathComponent("\(key).json"), encoding: .utf8))
        XCTAssertEqual(text["content_type"] as? String, "application/feed+json")
        XCTAssertNotNil(text["etag"] as? String)
        XCTAssertNotNil(text["last_modified"] as? String)
        XCTAssertNotNil((text["fetched_at"] as? String)?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"#, options: .regularExpression))
        let bin = try XCTUnwrap(byURL[server.url("/files/\(key).bin")])
        XCTAssertEqual(bin["body_encoding"] as? String, "base64")
        XCTAssertEqual(bin["body"] as? String, Data([0xFF, 0xFE, 0x00, 0x80, 0x41]).base64EncodedString())
    }

    /// --per-host caps what is in flight to one host (measured by the server itself).
    func testPerHostCap() throws {
        let urls = (0..<4).map { server.url("/slow/\(key)-\($0)?seconds=1") }
        _ = try server.control("/control/max-in-flight")
        let capped = try CSFetchRun.run(["--parallel", "8", "--per-host", "1"] + urls)
        XCTAssertEqual(capped.status, 0, capped.stderr)
        XCTAssertEqual(capped.records.count, 4)
        XCTAssertEqual(try server.control("/control/max-in-flight"), "1")
        // Each request is held until two are in flight at once: they overlap, or the server's hang guard ends them.
        let wide = try CSFetchRun.run(["--parallel", "4", "--per-host", "4"] + urls.map { $0.replacingOccurrences(of: "seconds=1", with: "until=2") + "&wide" })
        XCTAssertEqual(wide.records.count, 4)
        XCTAssertGreaterThan(Int(try server.control("/control/max-in-flight")) ?? 0, 1, "transfers overlap when allowed")
    }

    func testInsecureWarns() throws {
        let url = try server.writeFeed("\(key).json", items: [("1", "x")])
        let run = try CSFetchRun.run(["--insecure", url])
        XCTAssertTrue(run.stderr.contains("NOT verified"), run.stderr)
    }

    func testDescribeAndHelp() throws {
        let describe = try CSFetchRun.run(["--describe"])
        XCTAssertEqual(describe.status, 0)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(describe.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["name"] as? String, "cs-fetch")
        let help = try CSFetchRun.run(["--help"])
        XCTAssertTrue(help.stdout.contains("EXAMPLES:") && help.stdout.contains("cs-fetch https://"), help.stdout)
    }
}

/// The live progress line: on a terminal's stderr only.
final class FetchProgressTests: FetchTestCase {
    func testProgressLineOnATerminalOnly() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("script(1) is needed for a pseudo-terminal") }
        let binary = try CSFetchRun.binary().path
        let url = server.url("/slow/\(key)?seconds=0.5")
        // script(1) gives cs-fetch a pseudo-terminal as stderr; stdout goes to /dev/null.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qfec", "'\(binary)' '\(url)' > /dev/null", "/dev/null"]
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains("/1 feeds"), text)
        XCTAssertTrue(text.hasSuffix("\r\u{1B}[K"), "the line is erased at the end: \(text.debugDescription)")

        let piped = try CSFetchRun.run([url + "&piped"], progress: true)
        XCTAssertFalse(piped.stderr.contains("feeds,"), "no progress line into a pipe")
    }
}

/// Documents other than JSON Feed, and `--raw` handed to cs-normalize (the envelope contract).
final class FetchFormatTests: FetchTestCase {
    let rss = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0"><channel><title>RSS over HTTP</title><link>https://example.org/</link>
        <item><title>Caf\u{E9} advisory</title><link>https://example.org/a</link><guid>rss-1</guid>
        <category domain="severity">high</category><description>Body</description></item>
        </channel></rss>
        """

    func testRSSOverHTTP() throws {
        try Data(rss.utf8).write(to: server.root.appendingPathComponent("\(key).xml"))
        let url = server.url("/files/\(key).xml")
        let run = try CSFetchRun.run([url])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.titles, ["Caf\u{E9} advisory"])
        let record = try XCTUnwrap(run.records.first)
        XCTAssertEqual(record["severity"] as? String, "high")
        let source = try XCTUnwrap(record["source"] as? [String: Any])
        XCTAssertEqual(source["format"] as? String, "rss-2.0")
        XCTAssertNotNil(source["fetched_at"] as? String)
    }

    func testRawEnvelopesNormalizeToTheSameRecords() throws {
        let normalize = try CSFetchRun.binary().deletingLastPathComponent().appendingPathComponent("cs-normalize")
        guard FileManager.default.isExecutableFile(atPath: normalize.path) else { throw XCTSkip("cs-normalize is not built") }
        try Data(rss.utf8).write(to: server.root.appendingPathComponent("\(key).xml"))
        let url = server.url("/files/\(key).xml")
        let raw = try CSFetchRun.run(["--raw", url])
        XCTAssertEqual(raw.status, 0, raw.stderr)

        let process = Process()
        process.executableURL = normalize
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(raw.stdout.utf8))
        try input.fileHandleForWriting.close()
        let normalized = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)

        let direct = try CSFetchRun.run([url])
        func withoutFetchTime(_ text: String) -> [String] {
            text.split(separator: "\n").map { $0.replacingOccurrences(of: #""fetched_at":"[^"]*""#, with: "", options: .regularExpression) }
        }
        XCTAssertEqual(withoutFetchTime(String(decoding: normalized, as: UTF8.self)), withoutFetchTime(direct.stdout))
        XCTAssertEqual(direct.records.count, 1)
    }
}

/// Secrets stay with their origin: a redirect to another host does not carry them.
final class FetchSecretRedirectTests: FetchTestCase {
    func testSecretHeadersAreDroppedOnARedirectToAnotherHost() throws {
        let env = ["CS_TEST_SECRET": "s3cr3t-\(key)"]
        let args = ["--header-env", "X-Secret=CS_TEST_SECRET", "--header", "Authorization: Bearer b3arer", "--header", "X-Plain: kept"]
        // Same host: the secrets arrive (followed by HTTPClient itself, since secrets are present).
        let same = try CSFetchRun.run(args + [server.url("/offsite?host=127.0.0.1&\(key)")], environment: env)
        XCTAssertEqual(same.status, 0, same.stderr)
        XCTAssertEqual(same.titles.sorted(), ["Authorization=Bearer b3arer", "X-Secret=s3cr3t-\(key)"])
        // Another host name for the same server: neither secret goes along.
        let away = try CSFetchRun.run(args + [server.url("/offsite?host=localhost&\(key)")], environment: env)
        XCTAssertEqual(away.status, 0, away.stderr)
        XCTAssertEqual(away.titles.sorted(), ["Authorization=", "X-Secret="])
        let source = away.records.first?["source"] as? [String: Any]
        XCTAssertTrue((source?["feed_url"] as? String ?? "").hasPrefix("http://localhost:"), "the final URL is reported: \(String(describing: source))")
    }

    func testRedirectLoopWithSecretsStillStops() throws {
        let url = server.url("/loop/0?\(key)")
        let run = try CSFetchRun.run(["--log-format", "json", "--header-env", "X-Secret=CS_TEST_SECRET", url], environment: ["CS_TEST_SECRET": "x"])
        assertFailed(url, code: "FAILED_PRECONDITION", messageContains: "more than 10 redirects", in: run)
    }
}

/// Proxies come from the usual environment variables (libcurl's own handling).
final class FetchProxyTests: FetchTestCase {
    func testHTTPProxyFromEnvironment() throws {
        let run = try CSFetchRun.run(["--retries", "0", "http://feeds.example.invalid/feed.json"],
                                     environment: ["http_proxy": server.url("")])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.titles, ["Proxied feeds.example.invalid"])
    }
}
