import CSCore
import CSSQLite

/// `--to sqlite:PATH`: one row per advisory in table `advisories`, keyed by `uid` and upserted, so
/// running the same input twice leaves the same rows (`ingested_at` keeps the first time a uid
/// was stored). Queryable columns for severity, dates, title, url, type; the whole record as JSON
/// text in `record` (use json_extract for the rest). Writes are batched in transactions. Each record
/// is counted as new, updated (its uid was stored with another record) or unchanged, so the closing
/// line says what the table gained rather than how many lines came in.
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

    /// What the run did to the table, per record stored.
    public struct Counts: Sendable, Equatable {
        /// uids the table did not hold.
        public var new = 0
        /// uids the table held with another record, now replaced (the same uid seen again).
        public var updated = 0
        /// uids the table held with this very record: nothing written.
        public var unchanged = 0
        public var total: Int { new + updated + unchanged }
    }

    public var path: String { db.path }
    private let db: SQLiteDatabase
    private let exists: SQLiteStatement
    private let statement: SQLiteStatement
    private var inTransaction = 0
    public let batchSize: Int
    public private(set) var counts = Counts()

    public init(path: String, batchSize: Int = 500) throws(StageError) {
        self.batchSize = max(1, batchSize)
        // WAL lets readers query while cs-sink writes; see SQLiteDatabase.open for the rest.
        db = try SQLiteDatabase.open(path: path, label: "SQLite database", schema: SQLiteStore.schema, busyTimeoutMs: 10_000)
        exists = try db.prepare("SELECT 1 FROM advisories WHERE uid = ?1")
        statement = try db.prepare(SQLiteStore.upsert)
    }

    deinit { try? commit() }

    /// Upserts one record (its line as JSON text) and counts it as new, updated or unchanged.
    /// Throws for a record that cannot be stored.
    public func store(_ line: UnsafeBufferPointer<UInt8>, _ r: RecordScanner) throws(StageError) {
        guard let uid = r.value("uid")?.string, !uid.isEmpty else {
            throw StageError(.invalidArgument, "record has no uid, which keys the SQLite table")
        }
        if inTransaction == 0 { try db.begin() }
        // Inside the write transaction, so what the lookup saw is what the upsert meets.
        exists.bind([uid])
        let existed = try exists.step()
        exists.reset()

        let s = statement
        let severity = r.value("severity")?.string.flatMap { Severity(parsing: $0) }
        s.bind([uid, r.value("id")?.string, severity?.name])
        s.bind(4, severity?.rawValue)
        s.bind(5, r.value("published")?.string)
        s.bind(6, r.value("modified")?.string)
        s.bind(7, r.value("title")?.string)
        s.bind(8, r.value("url")?.string)
        s.bind(9, r.value("type")?.string)
        let exploited = r.value("exploited").flatMap { e in e.isTrue || e.isFalse ? (e.isTrue ? 1 : 0) : nil }
        s.bind(10, exploited)
        s.bind(11, r.value("source")?.member("feed_url")?.string)
        s.bind(12, text: line)
        s.bind(13, RFC3339.now())
        defer { s.reset() }
        _ = try s.step()
        // The upsert's WHERE leaves a row holding the same record alone: no change.
        if !existed { counts.new += 1 } else if db.changes > 0 { counts.updated += 1 } else { counts.unchanged += 1 }
        inTransaction += 1
        if inTransaction >= batchSize { try commit() }
    }

    /// Commits what is pending (called at the end, and every `batchSize` records).
    public func commit() throws(StageError) {
        guard inTransaction > 0 else { return }
        inTransaction = 0
        try db.commit()
    }

    /// The closing line: "4 records into PATH: 2 new, 2 updated (same uid), 0 unchanged".
    public var summary: String {
        let c = counts
        return "\(c.total) record\(c.total == 1 ? "" : "s") into \(path): \(c.new) new, \(c.updated) updated (same uid), \(c.unchanged) unchanged"
    }
}
