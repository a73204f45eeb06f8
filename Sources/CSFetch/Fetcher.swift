#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore
import CSFeed
import CSHTTP
import CSPosix

/// One run of cs-fetch: fetch every feed concurrently, and as each one completes, write its
/// records (or its `--raw` envelope), then remember it in `--state`. A feed that fails is reported
/// with its URL and a status code and counted as rejected; the others go on.
public final class Fetcher {
    let stage: Stage
    let options: FetchOptions
    let state: FetchState?
    private var reports: [FeedReport] = []
    private var progress: ProgressLine?
    private var totals = (items: 0, failed: 0, bytes: 0)

    public init(stage: Stage, options: FetchOptions) throws(StageError) {
        self.stage = stage
        self.options = options
        state = try options.state.map { location throws(StageError) in
            try location.open(password: options.statePassword, diagnostics: stage.diagnostics)
        }
        if options.progress, cs_isatty(2) != 0, stage.diagnostics.format == .text, stage.diagnostics.threshold <= .info {
            progress = ProgressLine()
        }
    }

    public func run(urls: [String]) throws(StageError) {
        let started = monotonicMilliseconds()
        if options.insecure {
            stage.diagnostics.warning(.ok, "--insecure: TLS certificates and host names are NOT verified")
        }
        var requests: [HTTPRequest] = []
        let sensitive = options.sensitiveHeaders
        // A feed on a public server must not lead cs-fetch into the local network (SSRF).
        let redirectGuard = options.allowPrivateRedirects ? nil : RedirectGuard.fromEnvironment()
        var common = options.headers
        if !common.contains(where: { $0.name.lowercased() == "accept" }) { common.insert(("Accept", FetchOptions.accept), at: 0) }
        let known = try state?.validators(feeds: urls) ?? []
        for (index, url) in urls.enumerated() {
            var headers = common
            // A saved file that is gone must be fetched whole: no validators for it.
            let saved = options.saveTo.flatMap { SavedFile.path(for: url, in: $0) }.map(SavedFile.exists) ?? true
            if saved, index < known.count, let validators = known[index] {
                if let etag = validators.etag { headers.append(("If-None-Match", etag)) }
                if let lastModified = validators.lastModified { headers.append(("If-Modified-Since", lastModified)) }
            }
            requests.append(HTTPRequest(url: url, headers: headers, timeout: options.timeout, connectTimeout: options.connectTimeout,
                                        maxBodyBytes: options.maxBodyBytes, userAgent: FetchOptions.userAgent,
                                        insecure: options.insecure, caBundlePath: options.caBundlePath, tag: index,
                                        sensitiveHeaders: sensitive, redirectGuard: redirectGuard))
        }

        let client = HTTPClient(parallel: options.parallel, perHost: options.perHost, retry: options.retry)
        // A state that cannot be written stops the run: what comes out must stay what the state knows.
        var stateError: StageError?
        client.shouldStop = { cs_stop_signal() != 0 || stateError != nil }
        if let progress {
            client.onProgress = { [unowned self] done, total, bytes in
                progress.show(done: done, total: total, bytes: self.totals.bytes + bytes, items: self.totals.items, failed: self.totals.failed)
            }
        }
        let completed = client.run(requests) { outcome in
            progress?.clear()
            do throws(StageError) { try handle(outcome) } catch { stateError = stateError ?? error }
        }
        progress?.clear()
        if let stateError {
            if stateError.code == .cancelled, cs_stop_signal() != 0 { stage.interrupted(cs_stop_signal()) }
            throw stateError
        }
        if !completed { stage.interrupted(cs_stop_signal()) }
        if options.stats {
            for report in reports.sorted(by: { $0.index < $1.index }) { report.emit(to: stage.diagnostics) }
            reports.emitTotals(to: stage.diagnostics, wallMs: Int((monotonicMilliseconds() - started)))
        }
    }

    private func handle(_ outcome: HTTPOutcome) throws(StageError) {
        let url = outcome.request.url
        var report = FeedReport(index: outcome.request.tag, url: url, ms: outcome.elapsedMs, attempts: outcome.attempts)
        defer {
            reports.append(report)
            totals.items += report.items
            totals.bytes += report.bytes
            if report.code != .ok { totals.failed += 1 }
        }
        let retried = outcome.attempts > 1 ? " (after \(outcome.attempts) attempts)" : ""
        let response: HTTPResponse
        switch outcome.result {
        case .failure(let error):
            report.code = error.code
            stage.reject(keeping: .url(url), at: Position(input: url), error.code, error.message + retried)
            return
        case .success(let r):
            response = r
        }
        report.status = response.status == 0 ? nil : response.status
        report.bytes = response.body.count

        if response.status == 304 {
            report.notModified = true
            return  // unchanged since the last run: nothing to parse, nothing new to emit
        }
        guard response.isSuccess else {
            var code = HTTPStatus.code(for: response.status)
            if code == .ok { code = .unknown }
            report.code = code
            var detail = response.finalURL != url ? " from \(response.finalURL)" : ""
            if let wait = response.header("Retry-After") { detail += " (Retry-After: \(wait))" }
            let phrase = HTTPStatus.phrase(for: response.status).map { " " + $0 } ?? ""
            stage.reject(keeping: .url(url), at: Position(input: url), code, "HTTP \(response.status)\(phrase)\(detail)\(retried)")
            return
        }

        let fetchedAt = RFC3339.now()
        var seen: [(uid: String, hash: String)] = []
        // Taken before any item is looked at: a shared state lets one fetcher at a time decide what is new.
        let known = try state?.begin(feed: url)
        if let dir = options.saveTo {
            guard let path = SavedFile.path(for: url, in: dir) else {
                state?.release(feed: url)
                stage.reject(nil, at: Position(input: url), .invalidArgument, "--save-to: the URL names no file")
                return
            }
            try SavedFile.save(response.body, to: path)
            stage.diagnostics.info("saved \(response.body.count) bytes to \(path)", at: Position(input: url))
        } else if options.raw {
            stage.output.writeRecord(FetchEnvelope.record(
                url: url, finalURL: response.finalURL, status: response.status, fetchedAt: fetchedAt,
                etag: response.header("ETag"), lastModified: response.header("Last-Modified"),
                contentType: response.contentType, body: response.body))
        } else {
            let source = FeedSource(url: response.finalURL, contentType: response.contentType, fetchedAt: fetchedAt)
            var parseError: FeedError?
            var lookupError: StageError?
            do throws(FeedError) {
                try FeedParser.parse(response.body, source: source, report: { issue in
                    self.report(issue, url: url)
                }, emit: { record in
                    report.items += 1
                    do throws(StageError) {
                        let fresh = try self.isNew(record, known: known, seen: &seen)
                        if fresh { report.newItems += 1 }
                        if fresh || !options.newOnly { stage.output.writeRecord(record.bytes) }
                    } catch { lookupError = lookupError ?? error }
                })
            } catch { parseError = error }
            if let lookupError { throw lookupError }
            if let parseError {
                state?.release(feed: url)
                report.code = parseError.code
                stage.reject(keeping: .url(url), at: Position(input: url), parseError.code, "not parsed: \(parseError.message)")
                return
            }
        }
        // The records are out before the state says they were seen: a crash in between re-emits.
        guard let state else { return }
        stage.output.flush()
        let validators = FetchValidators(etag: response.header("ETag"), lastModified: response.header("Last-Modified"))
        try state.record(feed: url, finalURL: response.finalURL, validators: validators, items: seen, at: fetchedAt)
    }

    /// Whether the item is new or changed since the state last saw it; remembers its hash in `seen`.
    /// Without `--state` every item is new.
    private func isNew(_ record: AdvisoryRecord, known: SeenItems?, seen: inout [(uid: String, hash: String)]) throws(StageError) -> Bool {
        guard let known else { return true }
        let uid = record.uid
        let hash = Fetcher.contentHash(record.json)
        seen.append((uid, hash))
        return try known.hash(of: uid) != hash
    }

    /// SHA-256 of the record without `source.fetched_at`, which changes on every run.
    static func contentHash(_ record: JSON) -> String {
        guard let source = record["source"], let fetchedAt = source["fetched_at"] else { return SHA256.hex(record.serialized()) }
        source.set("fetched_at", .null)
        let hash = SHA256.hex(record.serialized())
        source.set("fetched_at", fetchedAt)
        return hash
    }

    private func report(_ issue: FeedIssue, url: String) {
        let position = Position(input: url)
        switch issue.level {
        case .error: stage.reject(keeping: .url(url), at: position, issue.code, issue.text, id: issue.id)
        case .warning: stage.diagnostics.warning(issue.code, issue.text, at: position, id: issue.id)
        default: stage.diagnostics.emit(issue.level, issue.code, issue.text, at: position, id: issue.id)
        }
    }
}

func monotonicMilliseconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1e6
}
