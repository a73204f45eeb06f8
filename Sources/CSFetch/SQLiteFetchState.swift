import CSCore
import CSSQLite

/// `--state PATH`: the state in a SQLite file. Per feed its validators (ETag, Last-Modified) for a
/// conditional GET; per item its uid and a hash of its content for `--new-only`.
///
/// Two runs may share a file, even a new one: SQLiteDatabase.open switches it to WAL and creates the
/// schema safely, WAL lets readers go on while one writes, a busy timeout waits for the other
/// writer, and each feed's update is one `BEGIN IMMEDIATE` transaction. The caller
/// records a feed only after its records were written out, so a crash re-emits rather than loses.
/// Two runs fetching one feed at once may both emit an item (never neither): `begin` takes no lock.
public final class SQLiteFetchState: FetchState {
    private let db: SQLiteDatabase
    private let selectFeed: SQLiteStatement
    private let selectItem: SQLiteStatement
    private let upsertFeed: SQLiteStatement
    private let upsertItem: SQLiteStatement

    static let schema = """
        CREATE TABLE IF NOT EXISTS feeds (
            url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, final_url TEXT, checked_at TEXT);
        CREATE TABLE IF NOT EXISTS items (
            feed_url TEXT NOT NULL, uid TEXT NOT NULL, hash TEXT NOT NULL,
            first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
            PRIMARY KEY (feed_url, uid)) WITHOUT ROWID;
        """

    public init(path: String) throws(StageError) {
        let db = try SQLiteDatabase.open(path: path, label: "state database", schema: SQLiteFetchState.schema)
        self.db = db
        selectFeed = try db.prepare("SELECT etag, last_modified FROM feeds WHERE url = ?1")
        selectItem = try db.prepare("SELECT hash FROM items WHERE feed_url = ?1 AND uid = ?2")
        upsertFeed = try db.prepare("""
            INSERT INTO feeds (url, etag, last_modified, final_url, checked_at) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT (url) DO UPDATE SET etag = ?2, last_modified = ?3, final_url = ?4, checked_at = ?5
            """)
        upsertItem = try db.prepare("""
            INSERT INTO items (feed_url, uid, hash, first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?4)
            ON CONFLICT (feed_url, uid) DO UPDATE SET hash = ?3, last_seen = ?4
            """)
    }

    public func validators(feeds urls: [String]) throws(StageError) -> [FetchValidators?] {
        var found: [FetchValidators?] = []
        found.reserveCapacity(urls.count)
        for url in urls {
            selectFeed.bind([url])
            defer { selectFeed.reset() }
            found.append(try selectFeed.step() ? FetchValidators(etag: selectFeed.text(0), lastModified: selectFeed.text(1)) : nil)
        }
        return found
    }

    /// Items are looked up one at a time, as the feed's records come.
    public func begin(feed url: String) throws(StageError) -> SeenItems {
        SeenItems { [selectItem] (uid: String) throws(StageError) -> String? in
            selectItem.bind([url, uid])
            defer { selectItem.reset() }
            guard try selectItem.step() else { return nil }
            return selectItem.text(0)
        }
    }

    /// Records one feed's outcome in one transaction: its new validators and the items it carried.
    public func record(feed url: String, finalURL: String, validators: FetchValidators, items: [(uid: String, hash: String)],
                       at time: String) throws(StageError) {
        try db.transaction { () throws(StageError) in
            try upsertFeed.run([url, validators.etag, validators.lastModified, finalURL, time])
            for item in items { try upsertItem.run([url, item.uid, item.hash, time]) }
        }
    }

    public func release(feed url: String) {}
}
