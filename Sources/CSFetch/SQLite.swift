import CSQLite
import CSCore

/// A SQLite connection: the only owner of its `sqlite3*`, closed in `deinit`.
final class SQLiteDatabase {
    let handle: OpaquePointer
    let path: String

    init(path: String, busyTimeoutMs: Int32) throws(StageError) {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close(db) }
            throw StageError(.unavailable, "cannot open state database \(path): \(message)")
        }
        handle = db
        self.path = path
        // Another run holding the lock is waited for, not failed on.
        sqlite3_busy_timeout(db, busyTimeoutMs)
    }

    deinit { sqlite3_close_v2(handle) }

    func execute(_ sql: String) throws(StageError) {
        var message: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(handle, sql, nil, nil, &message) != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? lastError
            sqlite3_free(message)
            throw StageError(.unavailable, "state database \(path): \(text)")
        }
    }

    func prepare(_ sql: String) throws(StageError) -> SQLiteStatement {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else {
            throw StageError(.internal, "state database \(path): \(lastError)")
        }
        return SQLiteStatement(stmt, database: self)
    }

    /// Runs `body` in one write transaction (taken at once, so two runs serialize instead of deadlocking).
    func transaction(_ body: () throws(StageError) -> Void) throws(StageError) {
        try execute("BEGIN IMMEDIATE")
        do { try body() } catch {
            try? execute("ROLLBACK")
            throw error
        }
        try execute("COMMIT")
    }

    var lastError: String { String(cString: sqlite3_errmsg(handle)) }
}

/// A prepared statement, finalized in `deinit`. Parameters are 1-based, as in SQLite.
final class SQLiteStatement {
    private let stmt: OpaquePointer
    private unowned let database: SQLiteDatabase

    init(_ stmt: OpaquePointer, database: SQLiteDatabase) {
        self.stmt = stmt
        self.database = database
    }

    deinit { sqlite3_finalize(stmt) }

    func bind(_ values: [String?]) {
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
        for (i, value) in values.enumerated() {
            if var value {
                value.withUTF8 { buf in
                    _ = buf.withMemoryRebound(to: CChar.self) {
                        cs_sqlite3_bind_text_copy(stmt, Int32(i + 1), $0.baseAddress, Int32($0.count))
                    }
                }
            } else {
                sqlite3_bind_null(stmt, Int32(i + 1))
            }
        }
    }

    /// Steps once: true when a row is available.
    func step() throws(StageError) -> Bool {
        switch sqlite3_step(stmt) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw StageError(.unavailable, "state database \(database.path): \(database.lastError)")
        }
    }

    func run(_ values: [String?]) throws(StageError) {
        bind(values)
        defer { reset() }
        _ = try step()
    }

    /// Ends the statement's read. A statement left on a row keeps its read transaction (and WAL
    /// snapshot) open, and a later write on this connection then fails with SQLITE_BUSY at once.
    func reset() { sqlite3_reset(stmt) }

    func text(_ column: Int32) -> String? {
        guard sqlite3_column_type(stmt, column) != SQLITE_NULL, let p = sqlite3_column_text(stmt, column) else { return nil }
        return String(cString: p)
    }
}
