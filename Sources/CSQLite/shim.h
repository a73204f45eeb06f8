// SQLite for Swift. SQLITE_TRANSIENT is a macro casting -1 to a function pointer.
#include <sqlite3.h>

static inline int cs_sqlite3_bind_text_copy(sqlite3_stmt *s, int i, const char *v, int n) {
    return sqlite3_bind_text(s, i, v, n, SQLITE_TRANSIENT);
}
static inline int cs_sqlite3_bind_blob_copy(sqlite3_stmt *s, int i, const void *v, int n) {
    return sqlite3_bind_blob(s, i, v, n, SQLITE_TRANSIENT);
}
