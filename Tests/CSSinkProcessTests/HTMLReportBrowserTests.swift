import Foundation
import XCTest
import CSTestSupport

/// The HTML report in a real browser: Debian's headless Chromium renders the report of the bundled
/// examples (examples/feeds through cs-normalize, cs-enrich and cs-sink --format html). Its DOM has
/// the matrix's cells and the chart, its screenshot is not blank, it makes no network request, and
/// hostile feed text stays inert. Skipped when Chromium is missing, failed instead when CI=true.
final class HTMLReportBrowserTests: XCTestCase {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    var work: URL!

    override func setUpWithError() throws {
        work = FileManager.default.temporaryDirectory.appendingPathComponent("cs-report-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: work)
    }

    /// Chromium's headless shell (Debian's chromium-headless-shell), else full Chromium.
    func chromium() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let candidates = path.split(separator: ":").flatMap { dir in
            ["chromium-headless-shell", "chromium"].map { "\(dir)/\($0)" }
        } + ["/usr/lib/chromium/chromium-headless-shell"]
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return found }
        let message = "chromium-headless-shell is not installed (make deps installs it)"
        if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(message) }
        throw XCTSkip(message)
    }

    /// The report of the bundled example feeds, written to a file in `work`.
    func examplesReport() throws -> URL {
        let feeds = Self.repositoryRoot.appendingPathComponent("examples/feeds")
        let files = try FileManager.default.contentsOfDirectory(atPath: feeds.path).sorted().map { feeds.appendingPathComponent($0).path }
        let normalized = try ToolRunner.run("cs-normalize", files)
        XCTAssertEqual(normalized.status, 0, normalized.stderr)
        let enriched = try ToolRunner.run("cs-enrich", [], stdin: normalized.stdout)
        XCTAssertEqual(enriched.status, 0, enriched.stderr)
        XCTAssertGreaterThan(enriched.lines.count, 5)
        return try write(try ToolRunner.run("cs-sink", ["--format", "html"], stdin: enriched.stdout), "examples.html")
    }

    func write(_ r: ToolRunner.Result, _ name: String) throws -> URL {
        XCTAssertEqual(r.status, 0, r.stderr)
        let file = work.appendingPathComponent(name)
        try r.stdout.write(to: file)
        return file
    }

    struct Run {
        var stdout: String
        var stderr: String
    }

    /// Runs Chromium on a page with a fresh profile, its console logged to stderr (where a
    /// Content-Security-Policy violation shows), optionally through an HTTP proxy for every host.
    func browse(_ page: URL, _ mode: [String], proxyPort: Int? = nil) throws -> Run {
        let profile = work.appendingPathComponent("profile-\(UUID().uuidString)")
        let errors = work.appendingPathComponent("chromium-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try chromium())
        var args = ["--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)", "--enable-logging=stderr", "--v=0",
                    "--no-first-run", "--hide-scrollbars"]
        if let proxyPort {
            args += ["--proxy-server=http://127.0.0.1:\(proxyPort)", "--proxy-bypass-list=<-loopback>"]
        }
        p.arguments = args + mode + [page.absoluteString]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = try FileHandle(forWritingTo: errors)
        p.currentDirectoryURL = work
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "chromium \(mode)")
        return Run(stdout: String(decoding: data, as: UTF8.self), stderr: (try? String(contentsOf: errors, encoding: .utf8)) ?? "")
    }

    /// What a script prints, the script reading its arguments.
    func python(_ script: String, _ args: String...) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script] + args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, script)
        return String(decoding: data, as: UTF8.self)
    }

    /// Elements, attributes and text of a DOM dump, by Python's HTML parser.
    func parse(_ dom: String) throws -> (tags: [String: Int], attrs: [(String, String, String)], text: String) {
        let file = work.appendingPathComponent("dom-\(UUID().uuidString).html")
        try Data(dom.utf8).write(to: file)
        let script = """
            import html.parser, json, sys
            class P(html.parser.HTMLParser):
                def __init__(self):
                    super().__init__(); self.tags = {}; self.attrs = []; self.text = []
                def handle_starttag(self, tag, attrs):
                    self.tags[tag] = self.tags.get(tag, 0) + 1
                    self.attrs += [[tag, k, v or ""] for k, v in attrs]
                def handle_startendtag(self, tag, attrs): self.handle_starttag(tag, attrs)
                def handle_data(self, d): self.text.append(d)
            p = P(); p.feed(open(sys.argv[1], encoding='utf-8').read())
            print(json.dumps({"tags": p.tags, "attrs": p.attrs, "text": "".join(p.text)}))
            """
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try python(script, file.path).utf8)) as? [String: Any])
        let attrs = (parsed["attrs"] as? [[String]] ?? []).map { ($0[0], $0[1], $0[2]) }
        return (parsed["tags"] as? [String: Int] ?? [:], attrs, parsed["text"] as? String ?? "")
    }

    func testExamplesReportDOMHasTheMatrixTheChartAndAnchors() throws {
        _ = try chromium()
        let dom = try browse(try examplesReport(), ["--dump-dom"]).stdout
        let parsed = try parse(dom)
        let cells = parsed.attrs.filter { $0.0 == "a" && $0.1 == "class" && $0.2.hasPrefix("cell l") }
        XCTAssertGreaterThanOrEqual(cells.count, 10, "matrix cells")
        let counts = try NSRegularExpression(pattern: ##"<a class="cell l[1-5]" href="#tech-T\d{4}(\.\d{3})?"[^>]*>.*?<span class="n">(\d+)</span></a>"##)
        let matches = counts.matches(in: dom, range: NSRange(dom.startIndex..., in: dom))
        XCTAssertEqual(matches.count, cells.count, "each cell carries its count")
        XCTAssertTrue(matches.contains { Int((dom as NSString).substring(with: $0.range(at: 2)))! >= 2 }, "some technique has several advisories")
        // Every cell's target exists, and lists links to advisories that exist.
        let ids = Set(parsed.attrs.filter { $0.1 == "id" }.map(\.2))
        for cell in parsed.attrs where cell.0 == "a" && cell.1 == "href" && cell.2.hasPrefix("#") {
            XCTAssertTrue(ids.contains(String(cell.2.dropFirst())), "anchor \(cell.2) has a target")
        }
        XCTAssertTrue(ids.contains("adv-1") && ids.contains("matrix") && ids.contains("timeline"))
        XCTAssertEqual(parsed.tags["svg"], 1)
        XCTAssertGreaterThanOrEqual(parsed.tags["rect"] ?? 0, 10, "chart bars")
        XCTAssertEqual(parsed.tags["article"], 14)
        XCTAssertTrue(parsed.text.contains("Initial Access") && parsed.text.contains("Command and Control"))
    }

    /// A PNG decoded with Python's zlib: enough pixels differ from the background, in enough colours.
    func testScreenshotIsNotBlank() throws {
        _ = try chromium()
        let page = try examplesReport()
        _ = try browse(page, ["--screenshot=\(work.appendingPathComponent("shot.png").path)", "--window-size=1024,1000"])
        let script = """
            import struct, sys, zlib, json
            data = open(sys.argv[1], 'rb').read()
            assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
            pos, idat, w, h = 8, b'', 0, 0
            while pos < len(data):
                n, kind = struct.unpack('>I4s', data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
                if kind == b'IHDR': w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
                if kind == b'IDAT': idat += body
            bpp = {2: 3, 6: 4}[ctype]; raw = zlib.decompress(idat); stride = w * bpp
            rows, prev, i = [], bytearray(stride), 0
            for y in range(h):
                f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
                for x in range(stride):
                    a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
                    if f == 1: line[x] = (line[x] + a) & 255
                    elif f == 2: line[x] = (line[x] + b) & 255
                    elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
                    elif f == 4:
                        p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                        line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
                rows.append(bytes(line)); prev = line
            counts = {}
            for row in rows:
                for x in range(0, stride, bpp): counts[row[x:x + 3]] = counts.get(row[x:x + 3], 0) + 1
            background = max(counts.values())
            print(json.dumps({"width": w, "height": h, "colours": len(counts), "other": 1 - background / (w * h)}))
            """
        let stats = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try python(script, work.appendingPathComponent("shot.png").path).utf8)) as? [String: Double])
        XCTAssertEqual(stats["width"], 1024)
        XCTAssertGreaterThan(stats["colours"] ?? 0, 50, "text, badges, matrix shades and bars: many colours")
        XCTAssertGreaterThan(stats["other"] ?? 0, 0.05, "more than 5% of the pixels are not the background: \(stats)")
    }

    /// Every request Chromium makes goes to a local proxy that logs it; a control page with a remote
    /// image and no CSP shows the proxy sees requests, a page with a remote image and the report's CSP
    /// shows the CSP violation is logged. The report itself: no request, no violation, and no
    /// element in its DOM that would load anything.
    func testReportMakesNoNetworkRequest() throws {
        _ = try chromium()
        let page = try examplesReport()
        let html = try String(contentsOf: page, encoding: .utf8)
        let proxy = try RequestLog(work.appendingPathComponent("requests.log"))
        defer { proxy.stop() }

        let control = work.appendingPathComponent("control.html")
        try Data(html.replacingOccurrences(of: "<meta http-equiv=\"Content-Security-Policy\"", with: "<meta name=\"x\"")
            .replacingOccurrences(of: "<h1>", with: "<img src=\"http://control.invalid/pixel.png\"><h1>").utf8).write(to: control)
        _ = try browse(control, ["--dump-dom"], proxyPort: proxy.port)
        XCTAssertTrue(proxy.requests.contains { $0.contains("control.invalid") }, "the proxy sees a remote image: \(proxy.requests)")

        let injected = work.appendingPathComponent("injected.html")
        try Data(html.replacingOccurrences(of: "<h1>", with: "<img src=\"http://injected.invalid/pixel.png\"><h1>").utf8).write(to: injected)
        let blocked = try browse(injected, ["--dump-dom"], proxyPort: proxy.port)
        XCTAssertTrue(blocked.stderr.contains("violates the following Content Security Policy"), "a blocked load is logged")
        XCTAssertFalse(proxy.requests.contains { $0.contains("injected.invalid") })

        let before = proxy.requests.count
        let run = try browse(page, ["--dump-dom"], proxyPort: proxy.port)
        XCTAssertEqual(proxy.requests.count, before, "the report made requests: \(proxy.requests.dropFirst(before))")
        XCTAssertFalse(run.stderr.contains("Content Security Policy"), run.stderr)
        let dom = try parse(run.stdout)
        for loader in ["img", "link", "script", "iframe", "object", "embed", "source", "video", "audio", "image", "use", "input", "form", "base"] {
            XCTAssertNil(dom.tags[loader], "<\(loader)> in the report")
        }
        XCTAssertFalse(dom.attrs.contains { ["src", "srcset", "data", "poster", "background", "action", "formaction", "xlink:href"].contains($0.1) })
        XCTAssertFalse(run.stdout.contains("url("), "no CSS url() (fonts, images)")
        XCTAssertFalse(run.stdout.contains("@import"))
    }

    /// Hostile feed text rendered by the browser: the markup is text, no script ran or was even
    /// refused (a refused inline script would be logged as a CSP violation), links are http(s) or
    /// anchors, no bidi override is left, the 100 KB title was cut.
    func testHostileReportIsInertInTheBrowser() throws {
        _ = try chromium()
        let page = try write(try ToolRunner.run("cs-sink", ["--format", "html"], stdin: HTMLReportTests.hostileInput), "hostile.html")
        let run = try browse(page, ["--dump-dom"])
        XCTAssertFalse(run.stderr.contains("Content Security Policy"), run.stderr)
        let dom = try parse(run.stdout)
        for tag in ["script", "img", "iframe"] { XCTAssertNil(dom.tags[tag], tag) }
        XCTAssertEqual(dom.tags["svg"], 1, "only the chart")
        XCTAssertFalse(dom.attrs.contains { $0.1.hasPrefix("on") }, "no event handlers")
        for (_, name, value) in dom.attrs where name == "href" {
            XCTAssertTrue(value.hasPrefix("https://") || value.hasPrefix("http://") || value.hasPrefix("#"), value)
        }
        XCTAssertTrue(dom.text.contains("<script>alert('title')</script><img src=x onerror=alert(1)>"))
        XCTAssertTrue(dom.text.contains("<svg onload=alert(9)>"))
        XCTAssertFalse(dom.text.unicodeScalars.contains { (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) })
        XCTAssertFalse(dom.text.contains(String(repeating: "W", count: 1000)))
    }
}

/// A TCP listener on 127.0.0.1 (an ephemeral port) standing in for an HTTP proxy: it logs the
/// first line of each request (`GET http://host/...`, `CONNECT host:443`) and closes the connection.
/// A Python child process, started here and stopped by `stop`.
final class RequestLog {
    let port: Int
    let log: URL
    private let process = Process()

    init(_ log: URL) throws {
        self.log = log
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import socket, sys
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
            print(s.getsockname()[1], flush=True)
            with open(sys.argv[1], "ab", buffering=0) as log:
                while True:
                    c, _ = s.accept()
                    c.settimeout(5)
                    try: first = c.recv(4096).split(b"\\r\\n", 1)[0]
                    except OSError: first = b"(no request line)"
                    log.write(first + b"\\n")   # logged before the close Chromium waits for
                    c.close()
            """, log.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        // Ready when it has printed its port.
        var line = Data()
        while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data([0x0A]) { line.append(byte) }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw XCTSkip("python3 listener did not start")
        }
        self.port = port
    }

    var requests: [String] {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
