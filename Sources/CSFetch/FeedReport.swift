import CSCore

/// What happened to one feed, for `--stats` and the progress line.
struct FeedReport {
    /// The feed's place in the run's input order.
    var index: Int
    var url: String
    var status: Int?
    var code: StatusCode = .ok
    var bytes = 0
    var items = 0
    var newItems = 0
    var ms = 0
    var attempts = 0
    var notModified = false

    /// One `--stats` row: readable text, or these fields as members with `--log-format json`.
    func emit(to diagnostics: Diagnostics) {
        let statusText = status.map(String.init) ?? "-"
        let message = "stats: status=\(statusText) bytes=\(bytes) items=\(items) new=\(newItems) ms=\(ms) attempts=\(attempts) cache=\(notModified ? "hit" : "miss")"
        diagnostics.emit(.info, code, message, at: Position(input: url), extra: [
            ("stats", .bool(true)),
            ("url", .string(url)),
            ("status", status.map { JSON.int($0) } ?? .null),
            ("bytes", .int(bytes)),
            ("items", .int(items)),
            ("new_items", .int(newItems)),
            ("ms", .int(ms)),
            ("attempts", .int(attempts)),
            ("cache_hit", .bool(notModified)),
        ])
    }
}

extension [FeedReport] {
    /// The `--stats` summary after the per-feed rows: feeds, failures, cache hits, items, bytes, wall time.
    func emitTotals(to diagnostics: Diagnostics, wallMs: Int) {
        let failed = filter { $0.code != .ok }.count
        let hits = filter(\.notModified).count
        let items = reduce(0) { $0 + $1.items }, fresh = reduce(0) { $0 + $1.newItems }, bytes = reduce(0) { $0 + $1.bytes }
        let message = "stats: total feeds=\(count) failed=\(failed) cache_hits=\(hits) items=\(items) new=\(fresh) bytes=\(bytes) ms=\(wallMs)"
        diagnostics.emit(.info, .ok, message, extra: [
            ("stats", .bool(true)), ("total", .bool(true)), ("feeds", .int(count)), ("failed", .int(failed)),
            ("cache_hits", .int(hits)), ("items", .int(items)), ("new_items", .int(fresh)), ("bytes", .int(bytes)), ("ms", .int(wallMs)),
        ])
    }
}
