#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSQLite

/// Waits between retries of an operation SQLite refused with SQLITE_BUSY without calling the busy
/// handler: 1 ms, then doubling up to 100 ms, until `timeoutMs` has passed since the first try.
struct SQLiteBackoff {
    private let deadline: Double
    private var delayMs: Int32 = 1

    init(timeoutMs: Int32) { deadline = SQLiteBackoff.now() + Double(timeoutMs) }

    /// Sleeps and returns true, or returns false when the time is up.
    mutating func wait() -> Bool {
        guard SQLiteBackoff.now() < deadline else { return false }
        sqlite3_sleep(delayMs)
        delayMs = min(delayMs * 2, 100)
        return true
    }

    /// SQLITE_BUSY and its extended codes (BUSY_RECOVERY, BUSY_SNAPSHOT, BUSY_TIMEOUT).
    static func isBusy(_ rc: Int32) -> Bool { rc & 0xFF == SQLITE_BUSY }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1_000_000
    }
}
