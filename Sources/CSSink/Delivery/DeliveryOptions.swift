import CSRedis

/// How records travel to a network destination (`--batch`, `--flush-interval`, `--retries`, ...).
public struct DeliveryOptions: Sendable {
    /// Records per request (per write for syslog). nil: the destination's default.
    public var batch: Int? = nil
    /// A partial batch older than this is sent even when no more input comes (seconds).
    public var flushInterval: Double = 2
    /// Further attempts after the first one of a batch.
    public var retries: Int = 5
    /// Per request (seconds).
    public var timeout: Double = 30
    /// Longest backoff between attempts (seconds); a Retry-After longer than `maxRetryAfter` is not waited for.
    public var maxBackoff: Double = 30
    public var maxRetryAfter: Double = 120
    /// The first backoff (seconds); each later one doubles, with jitter.
    public var baseBackoff: Double = 0.5
    /// Extra headers; `secret` ones came from the environment and are never shown.
    public var headers: [(name: String, value: String, secret: Bool)] = []
    /// `--token-env` / `--token-file`: sent as `Authorization: Splunk|ApiKey|Bearer TOKEN`.
    public var token: String? = nil
    public var insecure = false
    public var caFile: String? = nil
    /// syslog: facility (0-23) and the largest message (bytes, framing excluded).
    public var facility: Int = 16
    public var maxMessage: Int? = nil
    /// Redis: the password (from `--password-env`, never shown) and `--maxlen [~]N`.
    public var redisPassword: String? = nil
    public var redisMaxLen: RedisMaxLen? = nil

    public init() {}

    /// The default batch size of each destination: the webhook posts single objects unless asked.
    static func defaultBatch(_ kind: NetworkTarget.Kind) -> Int {
        switch kind {
        case .webhook: return 1
        case .splunkHEC: return 100
        case .elastic: return 500
        case .syslogUDP, .syslogTCP: return 100
        case .redisStream: return 500
        }
    }
}

/// `--maxlen ~N` (trim to about N entries, cheaply, whole macro nodes) or `--maxlen N` (exactly N).
public struct RedisMaxLen: Sendable, Equatable {
    public var count: Int
    public var approximate: Bool

    public init?(parsing text: String) {
        approximate = text.hasPrefix("~")
        guard let n = Int(approximate ? String(text.dropFirst()) : text), n >= 1 else { return nil }
        count = n
    }
}
