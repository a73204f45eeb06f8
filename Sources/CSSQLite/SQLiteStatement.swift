import CSCore
import CSQLite

/// A prepared statement, finalized in `deinit`. It holds its connection, so the connection is
/// closed only after its last statement is finalized. Parameters are 1-based, columns 0-based.
public final class SQLiteStatement {
    private let stmt: OpaquePointer
    private let database: SQLiteDatabase

    init(_ stmt: OpaquePointer, database: SQLiteDatabase) {
        self.stmt = stmt
        self.database = database
    }

    deinit { sqlite3_finalize(stmt) }

    /// Resets the statement and binds `values` to parameters 1, 2, ... (nil binds NULL).
    public func bind(_ values: [String?]) {
        reset()
        sqlite3_clear_bindings(stmt)
        for (i, value) in values.enumerated() { bind(Int32(i + 1), value) }
    }

    public func bind(_ index: Int32, _ value: String?) {
        guard var value else { sqlite3_bind_null(stmt, index); return }
        value.withUTF8 { bind(index, text: $0) }
    }

    public func bind(_ index: Int32, _ value: Int?) {
        guard let value else { sqlite3_bind_null(stmt, index); return }
        sqlite3_bind_int64(stmt, index, Int64(value))
    }

    /// Binds UTF-8 bytes as text (copied by SQLite, so the buffer may go away after the call).
    public func bind(_ index: Int32, text: UnsafeBufferPointer<UInt8>) {
        let empty: UInt8 = 0
        withUnsafePointer(to: empty) { fallback in
            let base = text.baseAddress ?? fallback
            _ = base.withMemoryRebound(to: CChar.self, capacity: max(1, text.count)) {
                cs_sqlite3_bind_text_copy(stmt, index, $0, Int32(text.count))
            }
        }
    }

    /// Steps once: true when a row is available. SQLITE_BUSY on the first step of a statement run
    /// outside a transaction is retried with a back-off until the busy timeout: nothing was read or
    /// written yet, and in WAL mode SQLite returns it without calling the busy handler while another
    /// connection recovers the log or cleans up after the last close.
    public func step() throws(StageError) -> Bool {
        var backoff = SQLiteBackoff(timeoutMs: database.busyTimeoutMs)
        let retryable = database.isAutocommit && sqlite3_stmt_busy(stmt) == 0
        while true {
            switch stepOnce() {
            case SQLITE_ROW: return true
            case SQLITE_DONE: return false
            case let rc where retryable && SQLiteBackoff.isBusy(rc) && backoff.wait():
                reset()
                continue
            default:
                let message = database.lastError
                reset()
                throw StageError(.unavailable, "\(database.label) \(database.path): \(message)")
            }
        }
    }

    /// One sqlite3_step, its result code as it is.
    func stepOnce() -> Int32 { sqlite3_step(stmt) }

    /// Binds `values` and steps once, then resets: for INSERT, UPDATE and the like.
    public func run(_ values: [String?]) throws(StageError) {
        bind(values)
        defer { reset() }
        _ = try step()
    }

    /// Ends the statement's read. A statement left on a row keeps its read transaction (and WAL
    /// snapshot) open, and a later write on this connection then fails with SQLITE_BUSY at once.
    public func reset() { sqlite3_reset(stmt) }

    public func text(_ column: Int32) -> String? {
        guard sqlite3_column_type(stmt, column) != SQLITE_NULL, let p = sqlite3_column_text(stmt, column) else { return nil }
        return String(cString: p)
    }

    public func int(_ column: Int32) -> Int? {
        guard sqlite3_column_type(stmt, column) != SQLITE_NULL else { return nil }
        return Int(sqlite3_column_int64(stmt, column))
    }
}
