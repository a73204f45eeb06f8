import CSCore
import CSTestSupport
import Foundation
import XCTest

/// The built `cs-normalize` binary, run the way users run it.
final class NormalizeCommandTests: XCTestCase {
    struct Run {
        var status: Int32
        var stdout: Data
        var stderr: String
        var lines: [String] { String(decoding: stdout, as: UTF8.self).split(separator: "\n").map(String.init) }
        var records: [[String: Any]] {
            lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
    }

    static var binary: URL {
        get throws {
            var candidates: [URL] = []
            if let dir = ProcessInfo.processInfo.environment["CS_BIN_DIR"] { candidates.append(URL(fileURLWithPath: dir)) }
            candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
            candidates.append(Bundle.main.bundleURL)
            candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
            for xctest in Bundle.allBundles where xctest.bundleURL.pathExtension == "xctest" {
                candidates.append(xctest.bundleURL.deletingLastPathComponent())
            }
            candidates.append(Repository.root.appendingPathComponent(".build/debug"))
            for dir in candidates {
                let exe = dir.appendingPathComponent("cs-normalize")
                if FileManager.default.isExecutableFile(atPath: exe.path) { return exe }
            }
            throw XCTSkip("cs-normalize is not built next to the tests (set CS_BIN_DIR)")
        }
    }

    func run(_ args: [String], stdin: Data? = nil) throws -> Run {
        let p = Process()
        p.executableURL = try Self.binary
        p.arguments = args
        let out = Pipe(), inp = Pipe()
        // stderr goes to a file, so that neither pipe can fill up while the other is read.
        let errURL = tmp.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let err = try FileHandle(forWritingTo: errURL)
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(stdin) }
        try inp.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try err.close()
        let errData = try Data(contentsOf: errURL)
        return Run(status: p.terminationStatus, stdout: outData, stderr: String(decoding: errData, as: UTF8.self))
    }

    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("cs-normalize-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: tmp)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = tmp.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static let jsonFeed = #"{"version":"https://jsonfeed.org/version/1.1","title":"J","feed_url":"https://j.example/feed.json","items":[{"id":"j1","title":"From JSON","_cs_severities":["low"]}]}"#
    static let rssFeed = """
        <?xml version="1.0"?><rss version="2.0"><channel><title>R</title><link>https://r.example/</link>
        <item><title>From RSS</title><link>/posts/1</link><guid isPermaLink="false">r1</guid>
        <category domain="severity">critical</category><pubDate>Mon, 20 Apr 2026 08:00:00 +0200</pubDate></item>
        </channel></rss>
        """

    func testSeedsGiveFourRecordsTwoHigh() throws {
        let seeds = try requireShared("seeds")
        let files = try FileManager.default.contentsOfDirectory(atPath: seeds.path).sorted().map { seeds.appendingPathComponent($0).path }
        let r = try run(files)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.records.count, 4)
        let formats = r.records.compactMap { ($0["source"] as? [String: Any])?["format"] as? String }
        XCTAssertEqual(formats.filter { $0 == "json-feed-1.1" }.count, 1)
        XCTAssertEqual(formats.filter { $0 == "rss-2.0" }.count, 3)
        let high = r.records.filter { $0["severity"] as? String == "high" }.compactMap { $0["title"] as? String }
        XCTAssertEqual(Set(high), ["Entra ID Excessive Account Lockouts Detected", "Entra ID Federated Identity Credential Issuer Modified"])
    }

    func testFilesOfEachFormatAndAnUnparseableOneInBetween() throws {
        let a = try write("a.feed", Self.jsonFeed)
        let bad = try write("garbage.xml", "this is not a feed at all")
        let c = try write("c.feed", Self.rssFeed)
        let missing = tmp.appendingPathComponent("missing.xml").path
        let r = try run([a, bad, c, missing])
        XCTAssertEqual(r.status, 2, "a rejected document is counted in the exit status")
        XCTAssertEqual(r.records.map { $0["id"] as? String }, ["j1", "r1"])
        XCTAssertTrue(r.stderr.contains("garbage.xml"), r.stderr)
        XCTAssertTrue(r.stderr.contains("INVALID_ARGUMENT"), r.stderr)
        XCTAssertTrue(r.stderr.contains("missing.xml") && r.stderr.contains("NOT_FOUND"), r.stderr)
        XCTAssertTrue(r.stderr.contains("warning: 2 inputs rejected (1 INVALID_ARGUMENT, 1 NOT_FOUND) (DATA_LOSS)"),
                      "rejections of different kinds are counted by kind: \(r.stderr)")
        let rss = r.records[1]
        XCTAssertEqual(rss["url"] as? String, "https://r.example/posts/1")
        XCTAssertEqual(rss["published"] as? String, "2026-04-20T06:00:00Z")
        XCTAssertEqual(rss["severity"] as? String, "critical")
    }

    func testLegacyFormatIsUnimplementedNamedAndDeadLettered() throws {
        let legacy = try write("news.xml", #"<?xml version="1.0"?><scriptingNews><header><scriptingNewsVersion>2.0b1</scriptingNewsVersion></header><item><text>Old</text></item></scriptingNews>"#)
        let c = try write("c.feed", Self.rssFeed)
        let dead = tmp.appendingPathComponent("dead.ndjson").path
        let r = try run(["--dead-letter", dead, "--log-format", "json", legacy, c])
        XCTAssertEqual(r.status, 2, "a rejected document is counted in the exit status")
        XCTAssertEqual(r.records.map { $0["id"] as? String }, ["r1"], "the next input is read")
        let line = try XCTUnwrap(r.stderr.split(separator: "\n").first { $0.contains("news.xml") }, r.stderr)
        let diagnostic = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        XCTAssertEqual(diagnostic["code"] as? String, "UNIMPLEMENTED")
        XCTAssertTrue((diagnostic["message"] as? String ?? "").contains("scriptingNews"), "\(diagnostic)")
        let entry = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dead))) as? [String: Any])
        XCTAssertEqual(entry["code"] as? String, "UNIMPLEMENTED")
        XCTAssertEqual(entry["path"] as? String, legacy)
        let closing = try XCTUnwrap(r.stderr.split(separator: "\n").last.flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        XCTAssertEqual(closing["message"] as? String, "1 input rejected, kept in \(dead)")
        XCTAssertEqual(closing["code"] as? String, "UNIMPLEMENTED", "the closing count names why, not DATA_LOSS")
    }

    func testCDFChannelGivesRecords() throws {
        let cdf = try write("channel.cdf", """
            <?xml version="1.0"?>
            <CHANNEL HREF="https://cdf.example/" BASE="https://cdf.example/news/">
              <TITLE>Bulletins</TITLE>
              <ITEM HREF="b1.htm" LASTMOD="2026-02-03T04:05:06Z"><TITLE>Bulletin 1</TITLE><ABSTRACT>Patch now.</ABSTRACT></ITEM>
            </CHANNEL>
            """)
        let r = try run([cdf])
        XCTAssertEqual(r.status, 0, r.stderr)
        let record = try XCTUnwrap(r.records.first, r.stderr)
        XCTAssertEqual(record["url"] as? String, "https://cdf.example/news/b1.htm")
        XCTAssertEqual(record["title"] as? String, "Bulletin 1")
        XCTAssertEqual((record["source"] as? [String: Any])?["format"] as? String, "cdf")
    }

    func testStdinByDefaultAndDash() throws {
        let r1 = try run([], stdin: Data(Self.rssFeed.utf8))
        XCTAssertEqual(r1.status, 0, r1.stderr)
        XCTAssertEqual(r1.records.count, 1)
        let r2 = try run(["-"], stdin: Data(Self.jsonFeed.utf8))
        XCTAssertEqual(r2.records.first?["id"] as? String, "j1")
    }

    func testUTF16DocumentOnStdin() throws {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss version=\"2.0\"><channel><item><title>caf\u{E9}</title><guid>u</guid></item></channel></rss>"
        var bytes = Data([0xFE, 0xFF])
        for unit in text.utf16 { bytes.append(contentsOf: [UInt8(unit >> 8), UInt8(unit & 0xFF)]) }
        let r = try run([], stdin: bytes)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.records.first?["title"] as? String, "caf\u{E9}")
    }

    func testDescribeAndHelp() throws {
        let d = try run(["--describe"])
        XCTAssertEqual(d.status, 0)
        XCTAssertEqual(d.lines.count, 1)
        let o = try XCTUnwrap(try JSONSerialization.jsonObject(with: d.stdout) as? [String: Any])
        XCTAssertEqual(o["name"] as? String, "cs-normalize")
        XCTAssertEqual(o["output"] as? String, "cs.advisory/1")
        let h = try run(["--help"])
        XCTAssertTrue(String(decoding: h.stdout, as: UTF8.self).contains("EXAMPLES"))
    }

    func testFetchEnvelopesUseTheirURLAsBase() throws {
        func envelope(_ url: String, status: Int, body: String, base64: Bool) throws -> String {
            let o: [String: Any] = ["schema": "cs.fetch/1", "url": url, "final_url": url + "?redirected", "status": status,
                                    "fetched_at": "2026-04-22T10:00:00Z", "etag": NSNull(), "last_modified": NSNull(),
                                    "content_type": "application/rss+xml",
                                    "body": base64 ? Data(body.utf8).base64EncodedString() : body,
                                    "body_encoding": base64 ? "base64" : "utf-8"]
            return String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self)
        }
        let lines = [try envelope("https://env.example/blog/feed.xml", status: 200, body: Self.rssFeed.replacingOccurrences(of: "<link>https://r.example/</link>", with: ""), base64: false),
                     try envelope("https://env.example/j.json", status: 200, body: Self.jsonFeed, base64: true),
                     try envelope("https://env.example/gone.xml", status: 404, body: "", base64: false),
                     try envelope("https://env.example/same.xml", status: 304, body: "", base64: false)]
        let dead = tmp.appendingPathComponent("dead.ndjson").path
        let r = try run(["--dead-letter", dead], stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertEqual(r.records.count, 2)
        XCTAssertEqual(r.records[0]["url"] as? String, "https://env.example/posts/1")
        let source = try XCTUnwrap(r.records[0]["source"] as? [String: Any])
        XCTAssertEqual(source["fetched_at"] as? String, "2026-04-22T10:00:00Z")
        XCTAssertEqual(source["feed_url"] as? String, "https://env.example/blog/feed.xml?redirected")
        XCTAssertEqual(r.records[1]["id"] as? String, "j1")
        XCTAssertTrue(r.stderr.contains(":3:") && r.stderr.contains("404"), r.stderr)
        XCTAssertEqual(try String(contentsOfFile: dead, encoding: .utf8), lines[2] + "\n")
    }

    func testBaseURLMakesRelativeLinksAbsoluteInFilesAndStdin() throws {
        let rss = """
            <rss version="2.0"><channel><title>R</title>
            <item><title>One</title><link>posts/1</link><guid isPermaLink="false">r1</guid></item></channel></rss>
            """
        let file = try write("rel.xml", rss)
        let without = try run([file])
        XCTAssertEqual(without.records.first?["url"] as? String, "posts/1")
        let withBase = try run(["--base-url", "https://r.example/feeds/rss.xml", file])
        XCTAssertEqual(withBase.status, 0, withBase.stderr)
        XCTAssertEqual(withBase.records.first?["url"] as? String, "https://r.example/feeds/posts/1")
        let json = #"{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","url":"../p"}]}"#
        let piped = try run(["--base-url", "https://j.example/a/feed.json"], stdin: Data(json.utf8))
        XCTAssertEqual(piped.records.first?["url"] as? String, "https://j.example/p")
        // An envelope's own URL wins over --base-url.
        let o: [String: Any] = ["schema": "cs.fetch/1", "url": "https://env.example/f/rss.xml", "status": 200, "body": rss]
        let envelope = String(decoding: try JSONSerialization.data(withJSONObject: o), as: UTF8.self)
        let fromEnvelope = try run(["--base-url", "https://r.example/feeds/rss.xml"], stdin: Data((envelope + "\n").utf8))
        XCTAssertEqual(fromEnvelope.records.first?["url"] as? String, "https://env.example/f/posts/1")
        // A base that is itself relative could make nothing absolute: a usage error.
        let relative = try run(["--base-url", "/feeds/rss.xml", file])
        XCTAssertEqual(relative.status, 64, relative.stderr)
        XCTAssertTrue(relative.stderr.contains("--base-url"), relative.stderr)
    }

    func testAdvisoryRecordsPassThroughByteForByte() throws {
        let first = try run([try write("f.json", Self.jsonFeed), try write("g.xml", Self.rssFeed)])
        XCTAssertEqual(first.records.count, 2)
        let good = first.lines
        let invalid = #"{"schema":"cs.advisory/1","id":"x"}"#
        let input = [good[0], "not json at all", good[1], invalid].joined(separator: "\n") + "\n"
        let dead = tmp.appendingPathComponent("dead.ndjson").path
        let r = try run(["--dead-letter", dead], stdin: Data(input.utf8))
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.lines, good, "records leave exactly as they came")
        XCTAssertTrue(r.stderr.contains("<stdin>:2:"), r.stderr)
        XCTAssertTrue(r.stderr.contains("<stdin>:4:") && r.stderr.contains("missing field"), r.stderr)
        XCTAssertEqual(try String(contentsOfFile: dead, encoding: .utf8), "not json at all\n" + invalid + "\n")
    }

    func testTruncatedDocumentInJSONLogs() throws {
        let doc = "<rss version=\"2.0\"><channel><item><title>one</title><guid>1</guid></item><item><title>tw"
        let r = try run(["--log-format", "json", try write("t.xml", doc)])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.records.count, 1)
        let diagnostics = r.stderr.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        XCTAssertTrue(diagnostics.contains { $0["code"] as? String == "DATA_LOSS" && ($0["input"] as? String)?.hasSuffix("t.xml") == true })
    }

    func testFirstRecordLeavesBeforeTheDocumentEnds() throws {
        try assertFirstRecordLeavesEarly(
            head: "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>s</title>"
                + "<item><title>early</title><guid>1</guid></item>",
            tail: "<item><title>late</title><guid>2</guid></item></channel></rss>")
    }

    /// Writes `head` (and 8 KB of padding) into cs-normalize's stdin and keeps the pipe open: a record
    /// titled "early" must arrive before `tail` (with an item titled "late") completes the document.
    func assertFirstRecordLeavesEarly(head: String, tail: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let p = Process()
        p.executableURL = try Self.binary
        p.arguments = ["--line-buffered"]
        let out = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        p.standardInput = inp
        try p.run()
        inp.fileHandleForWriting.write(Data((head + String(repeating: " ", count: 8192)).utf8))
        final class Box: @unchecked Sendable { var data = Data() }
        let box = Box()
        let arrived = DispatchSemaphore(value: 0)
        let reader = out.fileHandleForReading
        DispatchQueue.global().async {
            box.data = reader.availableData
            arrived.signal()
        }
        let early = arrived.wait(timeout: .now() + Readiness.hangGuard) == .success
        inp.fileHandleForWriting.write(Data(tail.utf8))
        try inp.fileHandleForWriting.close()
        if !early { _ = arrived.wait(timeout: .now() + Readiness.hangGuard) }
        let rest = reader.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertTrue(early, "no record before the document ended", file: file, line: line)
        XCTAssertTrue(String(decoding: box.data, as: UTF8.self).contains("\"early\""), file: file, line: line)
        XCTAssertTrue(String(decoding: box.data + rest, as: UTF8.self).contains("\"late\""), file: file, line: line)
        XCTAssertEqual(p.terminationStatus, 0, file: file, line: line)
    }

    func testStopsQuietlyWhenTheReaderGoesAway() throws {
        var doc = "<rss version=\"2.0\"><channel><title>many</title>"
        for i in 0..<20000 { doc += "<item><title>item \(i)</title><guid>g\(i)</guid><description>&lt;p&gt;text \(i)&lt;/p&gt;</description></item>" }
        doc += "</channel></rss>"
        let path = try write("many.xml", doc)
        let p = Process()
        p.executableURL = try Self.binary
        p.arguments = [path]
        let out = Pipe()
        let errURL = tmp.appendingPathComponent("stderr-head")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        p.standardOutput = out
        p.standardError = try FileHandle(forWritingTo: errURL)
        try p.run()
        // Like `| head -1`: read one line, then close the pipe.
        var first = Data()
        while !first.contains(0x0A) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            first.append(chunk)
        }
        try out.fileHandleForReading.close()
        p.waitUntilExit()
        XCTAssertTrue(String(decoding: first, as: UTF8.self).hasPrefix("{\"schema\":\"cs.advisory/1\""))
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertEqual(try String(contentsOf: errURL, encoding: .utf8), "")
    }

    /// cs-normalize's peak resident memory on `path`, from GNU time (getrusage on children would count
    /// the forked test process); the run must succeed.
    func peakKiB(normalizing path: URL, time: String) throws -> Int {
        let report = tmp.appendingPathComponent("time.txt")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: time)
        p.arguments = ["-f", "%M", "-o", report.path, try Self.binary.path, path.path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let text = try String(contentsOf: report, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return try XCTUnwrap(Int(text.split(separator: "\n").last ?? ""), text)
    }

    func testMemoryStaysFlatOnALargeDocument() throws {
        // Peak memory as GNU time reports it (getrusage on children would count the forked test process).
        let time = "/usr/bin/time"
        guard FileManager.default.isExecutableFile(atPath: time) else { throw XCTSkip("\(time) not available to measure peak memory") }
        // 40 MB of items: a parser that kept the document or its items would need several times that.
        let path = tmp.appendingPathComponent("big.xml")
        do {
            let filler = String(repeating: "lorem ipsum dolor sit amet ", count: 740)   // about 20 KB
            var doc = Data("<rss version=\"2.0\"><channel><title>big</title>".utf8)
            for i in 0..<2000 {
                doc.append(Data("<item><guid>g\(i)</guid><title>item \(i)</title><description>\(filler)</description></item>".utf8))
            }
            doc.append(Data("</channel></rss>".utf8))
            XCTAssertGreaterThan(doc.count, 40_000_000)
            try doc.write(to: path)
        }
        let kib = try peakKiB(normalizing: path, time: time)
        XCTAssertLessThan(kib, 64 * 1024, "peak RSS \(kib) KiB")
    }
}
