import CSCore
import CSQLite

/// A SQLite connection: the only owner of its `sqlite3*`, closed in `deinit`. Both stores (cs-fetch's
/// `--state` and cs-sink's `--to sqlite:`) open their files through `open(path:label:schema:)`, the
/// one path that is safe when several processes create and open the same new file at once.
public final class SQLiteDatabase {
    public let path: String
    /// What the file is, for messages: "state database", "SQLite database".
    public let label: String
    let handle: OpaquePointer
    let busyTimeoutMs: Int32

    /// Opens (creating) the file, switches it to WAL, and creates `schema` (statements written with
    /// IF NOT EXISTS) in one `BEGIN IMMEDIATE` transaction, so a second process waits for the first
    /// one's schema instead of failing on it.
    public static func open(path: String, label: String, schema: String, busyTimeoutMs: Int32 = 60_000) throws(StageError) -> SQLiteDatabase {
        let db = try SQLiteDatabase(path: path, label: label, busyTimeoutMs: busyTimeoutMs)
        try db.enableWAL()
        // With WAL, synchronous=NORMAL keeps every commit atomic and consistent (only the last commits
        // can be lost to a power cut, not to a crash of the process) and saves an fsync per transaction.
        try db.execute("PRAGMA synchronous=NORMAL")
        try db.transaction { () throws(StageError) in try db.executeScript(schema) }
        return db
    }

    init(path: String, label: String, busyTimeoutMs: Int32) throws(StageError) {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw StageError(.unavailable, "cannot open \(label) \(path): \(message)")
        }
        handle = db
        self.path = path
        self.label = label
        self.busyTimeoutMs = busyTimeoutMs
        // Another process holding a lock is waited for, not failed on (where SQLite calls the handler).
        sqlite3_busy_timeout(db, busyTimeoutMs)
    }

    deinit { sqlite3_close_v2(handle) }

    /// `PRAGMA journal_mode=WAL`, retried while another connection holds the file. Switching needs an
    /// exclusive lock, and SQLite answers SQLITE_BUSY for it without calling the busy handler: two
    /// processes opening a new file at once meet exactly here. A file that cannot be in WAL mode
    /// (SQLite then answers with the mode it keeps) stays in that mode: slower for concurrent
    /// readers, still correct, since writers take their lock with BEGIN IMMEDIATE either way.
    func enableWAL() throws(StageError) {
        var backoff = SQLiteBackoff(timeoutMs: busyTimeoutMs)
        while true {
            let statement = try prepare("PRAGMA journal_mode=WAL")
            let rc = statement.stepOnce()
            if rc == SQLITE_ROW { return }
            guard SQLiteBackoff.isBusy(rc), backoff.wait() else {
                throw StageError(.unavailable, "\(label) \(path): cannot switch to WAL: \(lastError)")
            }
        }
    }

    /// Runs one statement (no result rows), retried on SQLITE_BUSY when no transaction is open (see
    /// `SQLiteStatement.step`).
    public func execute(_ sql: String) throws(StageError) {
        let statement = try prepare(sql)
        while try statement.step() {}
    }

    /// Runs several statements with sqlite3_exec: for schemas, inside `transaction`, where the write
    /// lock is already held and nothing needs retrying.
    func executeScript(_ sql: String) throws(StageError) {
        var message: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(handle, sql, nil, nil, &message) != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? lastError
            sqlite3_free(message)
            throw StageError(.unavailable, "\(label) \(path): \(text)")
        }
    }

    /// Compiles `sql`; the statement is finalized when the returned object goes away. Compiling reads
    /// the schema, which may meet a lock, so SQLITE_BUSY here is retried too.
    public func prepare(_ sql: String) throws(StageError) -> SQLiteStatement {
        var backoff = SQLiteBackoff(timeoutMs: busyTimeoutMs)
        while true {
            var stmt: OpaquePointer?
            let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
            if rc == SQLITE_OK, let stmt { return SQLiteStatement(stmt, database: self) }
            sqlite3_finalize(stmt)
            guard SQLiteBackoff.isBusy(rc), backoff.wait() else {
                throw StageError(.internal, "\(label) \(path): \(lastError)")
            }
        }
    }

    /// Runs `body` in one write transaction. `BEGIN IMMEDIATE` takes the write lock at once, waiting
    /// for another writer through the busy handler; a deferred `BEGIN` would take it at the first write,
    /// and in WAL mode that upgrade fails with SQLITE_BUSY at once when another process committed since.
    public func transaction(_ body: () throws(StageError) -> Void) throws(StageError) {
        try begin()
        do {
            try body()
            try commit()
        } catch {
            rollback()
            throw error
        }
    }

    public func begin() throws(StageError) { try execute("BEGIN IMMEDIATE") }

    public func commit() throws(StageError) { try execute("COMMIT") }

    public func rollback() { try? execute("ROLLBACK") }

    /// True when no transaction is open.
    var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    /// Rows changed by the last INSERT, UPDATE or DELETE (0 for an upsert whose WHERE left the row alone).
    public var changes: Int { Int(sqlite3_changes(handle)) }

    public var lastError: String { String(cString: sqlite3_errmsg(handle)) }
}
