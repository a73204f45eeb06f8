import CSCore

/// `redis://[user@]HOST[:PORT][/DB]/KEY`: where a stream (or a key prefix) lives. A password in the
/// URL is refused: it would show in process lists and logs; it comes from the environment
/// (`--password-env`). `rediss://` (TLS) is recognised and refused as UNIMPLEMENTED: Debian 12's
/// hiredis 0.14 has no TLS.
public struct RedisURL: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String?
    public var database: Int
    /// The stream (or key prefix) named by the last path segment.
    public var key: String

    public static let defaultPort = 6379

    /// The URL as shown in diagnostics: it never holds a secret.
    public var display: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "redis://\(user.map { "\($0)@" } ?? "")\(h):\(port)\(database == 0 ? "" : "/\(database)")/\(key)"
    }

    /// True for values this parser owns (`redis://`, `rediss://`).
    public static func isRedis(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("redis://") || lower.hasPrefix("rediss://")
    }

    public init(host: String, port: Int = RedisURL.defaultPort, user: String? = nil, database: Int = 0, key: String) {
        self.host = host; self.port = port; self.user = user; self.database = database; self.key = key
    }

    public init(parsing text: String) throws(StageError) {
        let lower = text.lowercased()
        if lower.hasPrefix("rediss://") {
            throw StageError(.unimplemented, "\(lower.prefix(9))…: TLS to Redis is not supported (hiredis 0.14, the version Debian 12 ships, has no TLS); reach the server through a TLS tunnel (stunnel, spiped) and use redis://")
        }
        guard lower.hasPrefix("redis://") else { throw StageError(.invalidArgument, "expected redis://HOST[:PORT][/DB]/KEY") }
        let rest = text.dropFirst("redis://".count)
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        let path = rest[authorityEnd...]
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            if userInfo.contains(":") {
                // The password itself is never repeated.
                throw StageError(.invalidArgument, "a password in a redis:// URL is refused (it would show in process lists and logs); put it in an environment variable and name it with --password-env")
            }
            guard !userInfo.isEmpty else { throw StageError(.invalidArgument, "redis://@…: empty user name") }
            user = String(userInfo)
            authority = authority[authority.index(after: at)...]
        } else {
            user = nil
        }
        var hostPart = authority
        var portText: Substring?
        if hostPart.hasPrefix("[") {
            guard let close = hostPart.firstIndex(of: "]") else { throw StageError(.invalidArgument, "\(text): unclosed [ in the host") }
            let after = hostPart[hostPart.index(after: close)...]
            hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { throw StageError(.invalidArgument, "\(text): expected :PORT after the host") }
        } else if let colon = hostPart.lastIndex(of: ":") {
            portText = hostPart[hostPart.index(after: colon)...]
            hostPart = hostPart[..<colon]
        }
        guard !hostPart.isEmpty else { throw StageError(.invalidArgument, "\(text): expected redis://HOST[:PORT][/DB]/KEY") }
        host = String(hostPart)
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else { throw StageError(.invalidArgument, "\(text): the port must be 1-65535") }
            port = p
        } else {
            port = RedisURL.defaultPort
        }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        switch segments.count {
        case 1:
            database = 0
            key = String(segments.first!)
        case 2:
            guard let db = Int(segments.first!), db >= 0 else { throw StageError(.invalidArgument, "\(text): '\(segments.first!)' is not a database number (expected redis://HOST[:PORT][/DB]/KEY)") }
            database = db
            key = String(segments.last!)
        default:
            throw StageError(.invalidArgument, "\(text): expected redis://HOST[:PORT][/DB]/KEY (a stream or key name after the host)")
        }
        guard !key.isEmpty else { throw StageError(.invalidArgument, "\(text): the stream or key name is empty") }
    }
}
