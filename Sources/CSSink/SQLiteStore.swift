import CSCore
import CSQLite

/// `--to sqlite:PATH`: one row per advisory in table `advisories`, keyed by `uid` and upserted, so
/// running the same input twice leaves the same rows (`ingested_at` keeps the first time a uid
/// was stored). Queryable columns for severity, dates, title, url, type; the whole record as JSON
/// text in `record` (use json_extract for the rest). Writes are batched in transactions.
public final class SQLiteStore {
    public static let schema = """
        CREATE TABLE IF NOT EXISTS advisories (
          uid TEXT PRIMARY KEY NOT NULL,
          id TEXT,
          severity TEXT,
          severity_rank INTEGER,
          published TEXT,
          modified TEXT,
          title TEXT,
          url TEXT,
          type TEXT,
          exploited INTEGER,
          feed_url TEXT,
          record TEXT NOT NULL,
          ingested_at TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS advisories_severity ON advisories(severity_rank, published);
        CREATE INDEX IF NOT EXISTS advisories_published ON advisories(published);
        CREATE INDEX IF NOT EXISTS advisories_modified ON advisories(modified);
        """
    static let upsert = """
        INSERT INTO advisories (uid, id, severity, severity_rank, published, modified, title, url, type, exploited, feed_url, record, ingested_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
        ON CONFLICT(uid) DO UPDATE SET
          id = excluded.id, severity = excluded.severity, severity_rank = excluded.severity_rank,
          published = excluded.published, modified = excluded.modified, title = excluded.title,
          url = excluded.url, type = excluded.type, exploited = excluded.exploited,
          feed_url = excluded.feed_url, record = excluded.record
        WHERE advisories.record IS NOT excluded.record
        """

    public let path: String
    private var db: OpaquePointer?
    private var statement: OpaquePointer?
    private var inTransaction = 0
    public let batchSize: Int
    public private(set) var stored = 0

    public init(path: String, batchSize: Int = 500) throws(StageError) {
        self.path = path
        self.batchSize = max(1, batchSize)
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            db = nil
            throw StageError(.unavailable, "cannot open SQLite database \(path): \(message)")
        }
        sqlite3_busy_timeout(db, 10_000)
        // WAL lets readers query while cs-sink writes; with WAL, synchronous=NORMAL keeps every
        // commit atomic and consistent (only the last commits can be lost to a power cut, not
        // to a crash of cs-sink) and saves an fsync per transaction.
        try exec("PRAGMA journal_mode=WAL")
        try exec("PRAGMA synchronous=NORMAL")
        try exec(SQLiteStore.schema)
        guard sqlite3_prepare_v2(db, SQLiteStore.upsert, -1, &statement, nil) == SQLITE_OK else {
            throw StageError(.internal, "SQLite: \(lastError)")
        }
    }

    deinit {
        try? commit()
        sqlite3_finalize(statement)
        sqlite3_close(db)
    }

    private var lastError: String { db.map { String(cString: sqlite3_errmsg($0)) } ?? "closed" }

    private func exec(_ sql: String) throws(StageError) {
        var err: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(db, sql, nil, nil, &err) != SQLITE_OK {
            let message = err.map { String(cString: $0) } ?? lastError
            sqlite3_free(err)
            throw StageError(.unavailable, "SQLite \(path): \(message)")
        }
    }

    /// Upserts one record (its line as JSON text). Throws for a record that cannot be stored.
    public func store(_ line: UnsafeBufferPointer<UInt8>, _ r: RecordScanner) throws(StageError) {
        guard let uid = r.value("uid")?.string, !uid.isEmpty else {
            throw StageError(.invalidArgument, "record has no uid, which keys the SQLite table")
        }
        if inTransaction == 0 { try exec("BEGIN IMMEDIATE") }
        let s = statement
        sqlite3_reset(s)
        sqlite3_clear_bindings(s)
        func bind(_ i: Int32, _ text: String?) {
            guard let text else { sqlite3_bind_null(s, i); return }
            var t = text
            t.withUTF8 { b in
                _ = b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(1, b.count)) {
                    cs_sqlite3_bind_text_copy(s, i, $0, Int32(b.count))
                }
            }
        }
        let severity = r.value("severity")?.string.flatMap { Severity(parsing: $0) }
        bind(1, uid)
        bind(2, r.value("id")?.string)
        bind(3, severity?.name)
        if let severity { sqlite3_bind_int(s, 4, Int32(severity.rawValue)) } else { sqlite3_bind_null(s, 4) }
        bind(5, r.value("published")?.string)
        bind(6, r.value("modified")?.string)
        bind(7, r.value("title")?.string)
        bind(8, r.value("url")?.string)
        bind(9, r.value("type")?.string)
        if let e = r.value("exploited"), e.isTrue || e.isFalse { sqlite3_bind_int(s, 10, e.isTrue ? 1 : 0) } else { sqlite3_bind_null(s, 10) }
        bind(11, r.value("source")?.member("feed_url")?.string)
        _ = line.baseAddress!.withMemoryRebound(to: CChar.self, capacity: line.count) {
            cs_sqlite3_bind_text_copy(s, 12, $0, Int32(line.count))
        }
        bind(13, RFC3339.now())
        guard sqlite3_step(s) == SQLITE_DONE else {
            throw StageError(.unavailable, "SQLite \(path): \(lastError)")
        }
        stored += 1
        inTransaction += 1
        if inTransaction >= batchSize { try commit() }
    }

    /// Commits what is pending (called at the end, and every `batchSize` records).
    public func commit() throws(StageError) {
        guard inTransaction > 0 else { return }
        inTransaction = 0
        try exec("COMMIT")
    }
}
