import CSCore
import CSRedis

/// A feed's validators for a conditional GET.
public struct FetchValidators: Sendable, Equatable {
    public var etag: String?
    public var lastModified: String?
    public init(etag: String?, lastModified: String?) { self.etag = etag; self.lastModified = lastModified }
}

/// `--state`: what earlier runs saw. Per feed its validators; per item its uid and a hash of its
/// content for `--new-only`. A file (SQLiteFetchState) or Redis (RedisFetchState, shared by fetchers
/// on several machines).
///
/// The Fetcher asks for the validators when it builds the requests. When a feed's document arrives it
/// calls `begin` before it looks at any item, then `record` once the feed's records are out (a crash in
/// between re-emits rather than loses), or `release` when the feed failed after all.
public protocol FetchState: AnyObject {
    /// The validators of each feed, in order; nil for a feed never fetched.
    func validators(feeds urls: [String]) throws(StageError) -> [FetchValidators?]

    /// The items seen so far of the feed whose document arrived. A shared state first takes the feed for
    /// this run (waiting while another fetcher holds it), so that two fetchers never both find an item new.
    func begin(feed url: String) throws(StageError) -> SeenItems

    /// Records the feed's new validators and the items it carried, all at once; gives the feed back.
    func record(feed url: String, finalURL: String, validators: FetchValidators, items: [(uid: String, hash: String)],
                at time: String) throws(StageError)

    /// Gives the feed back without recording anything (its document failed).
    func release(feed url: String)
}

/// The content hashes a state holds for one feed's items, by uid.
public struct SeenItems {
    private let lookup: (String) throws(StageError) -> String?
    public init(_ lookup: @escaping (String) throws(StageError) -> String?) { self.lookup = lookup }

    /// The hash recorded for the item, or nil when it was never seen.
    public func hash(of uid: String) throws(StageError) -> String? { try lookup(uid) }
}

/// Where `--state` points: a file path, or `redis://HOST[:PORT][/DB]/PREFIX`.
public enum FetchStateLocation: Sendable, Equatable {
    case file(String)
    case redis(RedisURL)

    /// `rediss://` is refused as UNIMPLEMENTED (RedisURL): no TLS in this hiredis.
    public init(parsing text: String) throws(StageError) {
        if RedisURL.isRedis(text) {
            self = .redis(try RedisURL(parsing: text))
        } else {
            guard !text.isEmpty else { throw StageError(.invalidArgument, "--state: empty path") }
            self = .file(text)
        }
    }

    public var isShared: Bool { if case .redis = self { return true }; return false }

    /// Opens (or creates) the state; a Redis server that cannot be reached or refuses the password is one
    /// error here, before any feed is fetched.
    public func open(password: String?, diagnostics: Diagnostics) throws(StageError) -> FetchState {
        switch self {
        case .file(let path): return try SQLiteFetchState(path: path)
        case .redis(let url): return try RedisFetchState(url: url, password: password, diagnostics: diagnostics)
        }
    }
}
