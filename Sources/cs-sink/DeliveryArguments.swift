import ArgumentParser
import CSCore
import CSSink
import CSRedis

/// The options of network destinations, parsed into `DeliveryOptions`.
struct DeliveryArguments: ParsableArguments {
    @Option(name: .customLong("batch"), help: ArgumentHelp("Records per request (default: webhook 1 as a single object, HEC 100, Elasticsearch 500, syslog 100). A webhook with --batch gets JSON arrays.", valueName: "n"))
    var batch: Int?

    @Option(name: .customLong("flush-interval"), help: ArgumentHelp("Send a partial batch once it is this old, even if no more input comes.", valueName: "seconds"))
    var flushInterval: Double = 2

    @Option(name: .customLong("retries"), help: ArgumentHelp("Further attempts after a failed one (connection errors, timeouts, 408, 429, 5xx).", valueName: "n"))
    var retries: Int = 5

    @Option(name: .customLong("timeout"), help: ArgumentHelp("Per request or connection, in seconds.", valueName: "seconds"))
    var timeout: Double = 30

    @Option(name: .customLong("header"), help: ArgumentHelp("Extra request header 'Name: value' (not for secrets: use --header-env). Repeatable.", valueName: "header"))
    var headers: [String] = []

    @Option(name: .customLong("header-env"), help: ArgumentHelp("Header whose value is read from an environment variable: 'Name=VAR' (never printed). Repeatable.", valueName: "name=var"))
    var headerEnv: [String] = []

    @Option(name: .customLong("token-env"), help: ArgumentHelp("Environment variable holding the token: sent as 'Splunk TOKEN' (HEC), 'ApiKey TOKEN' (Elasticsearch), 'Bearer TOKEN' (webhook).", valueName: "var"))
    var tokenEnv: String?

    @Option(name: .customLong("token-file"), help: ArgumentHelp("File holding the token (as --token-env).", valueName: "path"))
    var tokenFile: String?

    @Flag(name: .customLong("insecure"), help: "Do not verify the server's TLS certificate (a warning is printed).")
    var insecure = false

    @Option(name: .customLong("ca-file"), help: ArgumentHelp("PEM file of CA certificates to verify the server with.", valueName: "path"))
    var caFile: String?

    @Option(name: .customLong("facility"), help: ArgumentHelp("syslog facility: kern, user, daemon, auth, authpriv, local0..local7 or 0-23 (default local0).", valueName: "name"))
    var facility: String?

    @Option(name: .customLong("max-message"), help: ArgumentHelp("syslog: largest message in bytes (default 2048 for UDP, 8192 for TCP); longer titles are cut.", valueName: "bytes"))
    var maxMessage: Int?

    @Option(name: .customLong("password-env"), help: ArgumentHelp("redis://: environment variable holding the password (AUTH; with a user in the URL, Redis 6 ACLs). Never on the command line.", valueName: "var"))
    var passwordEnv: String?

    @Option(name: .customLong("maxlen"), help: ArgumentHelp("redis://: trim the stream to about N entries (~N, cheap) or exactly N as entries are added.", valueName: "[~]n"))
    var maxLen: String?

    var isUsed: Bool {
        batch != nil || flushInterval != 2 || retries != 5 || timeout != 30 || !headers.isEmpty || !headerEnv.isEmpty
            || tokenEnv != nil || tokenFile != nil || insecure || caFile != nil || facility != nil || maxMessage != nil
            || passwordEnv != nil || maxLen != nil
    }

    func options(for target: NetworkTarget, format: SinkFormat) throws -> DeliveryOptions {
        var o = DeliveryOptions()
        if let batch {
            guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
            o.batch = batch
        }
        guard flushInterval > 0 else { throw ValidationError("--flush-interval must be more than 0 seconds") }
        guard retries >= 0 else { throw ValidationError("--retries must be 0 or more") }
        guard timeout > 0 else { throw ValidationError("--timeout must be more than 0 seconds") }
        o.flushInterval = flushInterval
        o.retries = retries
        o.timeout = timeout
        let isRedis = target.kind == .redisStream
        let isHTTP = target.kind != .syslogUDP && target.kind != .syslogTCP && !isRedis
        if isRedis {
            guard format == .ndjson else { throw ValidationError("--format does not apply to redis:// (each entry holds the record as it came)") }
            if !headers.isEmpty || !headerEnv.isEmpty || tokenEnv != nil || tokenFile != nil || insecure || caFile != nil || facility != nil || maxMessage != nil {
                throw ValidationError("--header, --header-env, --token-env, --token-file, --insecure, --ca-file, --facility and --max-message do not apply to redis:// (its password comes with --password-env)")
            }
            if let passwordEnv {
                do { o.redisPassword = try RedisPassword.fromEnvironment(passwordEnv) } catch { throw ValidationError(error.message) }
            }
            if let maxLen {
                guard let m = RedisMaxLen(parsing: maxLen) else { throw ValidationError("--maxlen: expected ~N or N (N at least 1), got '\(maxLen)'") }
                o.redisMaxLen = m
            }
            return o
        } else if passwordEnv != nil || maxLen != nil {
            throw ValidationError("--password-env and --maxlen apply to redis:// destinations")
        }
        if target.kind == .webhook {
            guard [.ndjson, .ecs, .splunk].contains(format) else {
                throw ValidationError("--format \(format.rawValue) does not apply to a webhook (ndjson, ecs or splunk)")
            }
        } else if format != .ndjson {
            throw ValidationError("--format does not apply to \(target.kind == .elastic ? "Elasticsearch (ECS documents)" : target.kind == .splunkHEC ? "Splunk HEC (event envelopes)" : "syslog (RFC 5424 messages)")")
        }
        if !isHTTP && (!headers.isEmpty || !headerEnv.isEmpty || tokenEnv != nil || tokenFile != nil || insecure || caFile != nil) {
            throw ValidationError("--header, --header-env, --token-env, --token-file, --insecure and --ca-file apply to HTTP destinations, not syslog")
        }
        if isHTTP && (facility != nil || maxMessage != nil) {
            throw ValidationError("--facility and --max-message apply to syslog destinations")
        }
        for (i, h) in headers.enumerated() {
            // The text itself is not echoed: a mistyped header may well hold a token.
            guard let parsed = Credentials.header(parsing: h) else {
                throw ValidationError("--header #\(i + 1): expected 'Name: value' with a valid name and no line breaks")
            }
            o.headers.append((parsed.name, parsed.value, false))
        }
        do {
            for spec in headerEnv {
                let h = try Credentials.header(fromEnvironment: spec)
                o.headers.append((h.name, h.value, true))
            }
            switch (tokenEnv, tokenFile) {
            case (_?, _?): throw ValidationError("--token-env and --token-file: give one")
            case let (name?, nil): o.token = try Credentials.token(fromEnvironment: name)
            case let (nil, path?): o.token = try Credentials.token(fromFile: path)
            case (nil, nil): break
            }
        } catch let error as StageError {
            throw ValidationError(error.message)
        }
        if target.kind == .splunkHEC && o.token == nil {
            throw ValidationError("Splunk HEC needs a token: --token-env VAR or --token-file PATH")
        }
        if let facility {
            guard let f = Credentials.facility(facility) else { throw ValidationError("--facility: '\(facility)' is not a syslog facility (kern, user, daemon, auth, authpriv, local0..local7, 0-23)") }
            o.facility = f
        }
        if let maxMessage {
            guard maxMessage >= 480 else { throw ValidationError("--max-message: at least 480 bytes (what every syslog receiver accepts)") }
            guard target.kind != .syslogUDP || maxMessage <= 65000 else { throw ValidationError("--max-message: a UDP datagram holds at most 65000 bytes of message") }
            o.maxMessage = maxMessage
        }
        o.insecure = insecure
        o.caFile = caFile
        return o
    }
}
