import CSCore
import CSRedis

/// A network destination named by `--to`: which protocol, and where.
public struct NetworkTarget: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case webhook          // http(s)://...: one JSON object (or array) per POST
        case splunkHEC        // splunk-hec+http(s)://HOST:PORT
        case elastic          // elastic+http(s)://HOST:PORT/INDEX
        case syslogUDP        // syslog+udp://HOST:PORT
        case syslogTCP        // syslog+tcp://HOST:PORT
        case redisStream      // redis://[user@]HOST[:PORT][/DB]/STREAM
    }

    public var kind: Kind
    /// For HTTP kinds: the URL requests go to (scheme http or https). For syslog: unused.
    public var url: String
    public var host: String
    public var port: Int
    /// Elasticsearch only: the index documents go to.
    public var index: String?
    /// Redis only: server, database and stream.
    public var redis: RedisURL?

    /// The destination as shown in diagnostics (never carries credentials: URLs with them are refused).
    public var display: String

    /// Parses `--to` values with a `scheme://`; nil when the value has none (a file path).
    public init?(parsing text: String) throws(StageError) {
        guard let split = text.schemeSplitForTarget else { return nil }
        let scheme = split.scheme.lowercased()
        let rest = split.rest
        let authority = String(rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" })
        let path = String(rest.dropFirst(authority.count))
        if RedisURL.isRedis(text) {
            // A user name is allowed here (Redis 6 ACLs); a password is refused by RedisURL.
            let url = try RedisURL(parsing: text)
            kind = .redisStream
            redis = url
            display = url.display
            host = url.host
            port = url.port
            self.url = ""
            index = nil
            return
        }
        if authority.contains("@") {
            throw StageError(.invalidArgument, "--to: credentials in the URL are refused (they would show in process lists and logs); use --token-env, --token-file or --header-env")
        }
        guard let (host, port) = NetworkTarget.hostPort(authority) else {
            throw StageError(.invalidArgument, "--to \(text): expected HOST or HOST:PORT after \(scheme)://")
        }
        display = text
        self.host = host
        index = nil
        redis = nil
        switch scheme {
        case "http", "https":
            kind = .webhook
            url = text
            self.port = port ?? (scheme == "https" ? 443 : 80)
        case "splunk-hec+http", "splunk-hec+https":
            kind = .splunkHEC
            let http = String(scheme.dropFirst("splunk-hec+".count))
            self.port = port ?? 8088
            let endpoint = path.isEmpty || path == "/" ? "/services/collector/event" : path
            url = "\(http)://\(authority)\(port == nil ? ":8088" : "")\(endpoint)"
        case "elastic+http", "elastic+https":
            kind = .elastic
            let http = String(scheme.dropFirst("elastic+".count))
            self.port = port ?? 9200
            let name = path.split(separator: "/").first.map(String.init) ?? ""
            guard !name.isEmpty, path.split(separator: "/").count == 1, !path.contains("?"),
                  name.allSatisfy({ $0 != "*" && $0 != "," && $0 != " " && $0 != "#" }) else {
                throw StageError(.invalidArgument, "--to \(text): expected elastic+\(http)://HOST:PORT/INDEX (one index name)")
            }
            guard name == name.lowercased(), !name.hasPrefix("_"), !name.hasPrefix("-"), !name.hasPrefix("+") else {
                throw StageError(.invalidArgument, "--to \(text): Elasticsearch index names are lower case and do not start with _, - or +")
            }
            index = name
            url = "\(http)://\(authority)\(port == nil ? ":9200" : "")/_bulk"
        case "syslog+udp", "syslog+tcp":
            kind = scheme == "syslog+udp" ? .syslogUDP : .syslogTCP
            guard let port else { throw StageError(.invalidArgument, "--to \(text): a syslog destination needs a port (514 for UDP, 601 or 6514 for TCP)") }
            guard path.isEmpty || path == "/" else { throw StageError(.invalidArgument, "--to \(text): a syslog destination has no path") }
            self.port = port
            url = ""
        default:
            throw StageError(.invalidArgument, "--to \(text): unknown scheme '\(scheme)' (http, https, splunk-hec+https, elastic+https, syslog+udp, syslog+tcp, redis)")
        }
    }

    /// "host", "host:port", "[::1]:port".
    static func hostPort(_ authority: String) -> (String, Int?)? {
        var host = Substring(authority)
        var portText: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { return nil }
        } else if let colon = host.lastIndex(of: ":") {
            portText = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        guard !host.isEmpty else { return nil }
        guard let portText else { return (String(host), nil) }
        guard let port = Int(portText), (1...65535).contains(port) else { return nil }
        return (String(host), port)
    }
}

extension String {
    /// "scheme://rest" split, for `--to` values (schemes may hold '+').
    var schemeSplitForTarget: (scheme: Substring, rest: Substring)? {
        guard let colon = firstIndex(of: ":") else { return nil }
        let scheme = self[..<colon]
        let after = self[index(after: colon)...]
        guard after.hasPrefix("//"), !scheme.isEmpty else { return nil }
        let allowed: (Character) -> Bool = { c in c.isASCII && (c.isLetter || c.isNumber || c == "+" || c == "-" || c == ".") }
        guard scheme.allSatisfy(allowed) else { return nil }
        return (scheme, after.dropFirst(2))
    }
}
