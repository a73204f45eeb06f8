import CSCore
import CSHTTP

/// Everything a run of cs-fetch was asked to do, already validated.
public struct FetchOptions {
    public var parallel = 8
    public var perHost = 4
    public var timeout = 60.0
    public var connectTimeout = 15.0
    public var retry = RetryPolicy(retries: 2, baseDelay: 1)
    public var maxBodyBytes = 64 << 20
    /// Extra request headers. Values may be secrets: never logged.
    public var headers: [(name: String, value: String)] = []
    /// Headers that must not follow a redirect to another host: every `--header-env` header, and
    /// credentials given with `--header`.
    public var secretHeaderNames: Set<String> = []
    public var insecure = false
    /// `--allow-private-redirects`: follow a redirect from a public address to a private one.
    public var allowPrivateRedirects = false
    /// `--cacert`: CA certificates (PEM) trusted instead of the system's.
    public var caBundlePath: String?
    public var raw = false
    /// `--state`: a SQLite file or a Redis key prefix (FetchState.swift).
    public var state: FetchStateLocation?
    /// `--password-env`: the Redis state's password (never shown).
    public var statePassword: String?
    /// `--save-to DIR`: keep each body as a file in DIR instead of parsing it (SavedFile.swift).
    public var saveTo: String?
    public var newOnly = false
    public var stats = false
    /// Live progress line on stderr (only honoured when stderr is a terminal).
    public var progress = true

    public init() {}

    /// Header names that carry credentials whichever way they were given.
    public static let credentialHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie"]

    /// The secret headers of this run (lower case).
    var sensitiveHeaders: Set<String> {
        var names = Set(secretHeaderNames.map { $0.lowercased() })
        for h in headers where FetchOptions.credentialHeaders.contains(h.name.lowercased()) { names.insert(h.name.lowercased()) }
        return names
    }

    public static let userAgent = "cs-fetch/\(CSVersion.string)"

    /// Feed formats first, anything else accepted (format is detected from content anyway).
    public static let accept = "application/feed+json, application/rss+xml, application/atom+xml, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"

    /// `Name: value` from `--header`.
    public static func header(parsing text: String) -> (name: String, value: String)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let name = String(text[..<colon]).trimmingSpaces
        let value = String(text[text.index(after: colon)...]).trimmingSpaces
        guard isToken(name), !value.contains(where: \.isNewline) else { return nil }
        return (name, value)
    }

    /// HTTP field names are tokens: letters, digits and a few symbols, no spaces.
    static func isToken(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { c in
            c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || "!#$%&'*+-.^_`|~".unicodeScalars.contains(c))
        }
    }
}
