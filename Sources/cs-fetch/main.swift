#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ArgumentParser
import CSCommandLine
import CSCore
import CSFetch
import CSHTTP
import CSRedis

@main
struct FetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cs-fetch",
        abstract: "Fetch advisory feeds (http, https, file) and emit cs.advisory/1 records.",
        discussion: """
            Feeds are fetched concurrently through libcurl (gzip, deflate, brotli, HTTP/2; proxies from http_proxy, https_proxy, no_proxy). Records of one feed leave together, feeds in the order they complete. A feed that fails is reported on stderr with its URL and a status code (NOT_FOUND, UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ...); the other feeds go on, and the exit status is 2.

            EXAMPLES:
              cs-fetch https://feed.example.org/feed.json | cs-enrich
              cs-fetch ./local-feed.xml file:///srv/feeds/vendor.json
              cs-fetch --feeds feeds.txt --state fetch.db --new-only >> new.ndjson
              cs-fetch --feeds subscriptions.opml --stats > /dev/null
              cs-fetch --header-env 'Authorization=FEED_TOKEN' https://intel.example/f
              cs-fetch --raw https://feed.example.org/rss.xml | cs-normalize
              cs-fetch --state redis://redis.example:6379/cs:fetch --password-env REDIS_PASSWORD --new-only --feeds feeds.txt
              cs worker --from redis://redis.example/cs:feeds --group fetchers -- cs-fetch --state redis://redis.example/cs:fetch --new-only -

            --feeds FILE (or the argument -, stdin) holds one URL or path a line ('#' starts a comment; relative paths are taken from the list's directory), or a JSON object with a "url" member a line (what cs worker hands a stage), or is an OPML subscription list.

            A redirect from a public address to a loopback, private or link-local one is refused (PERMISSION_DENIED), judged on the addresses actually connected to; a URL given directly is always fetched. --allow-private-redirects lifts the rule.

            --timeout and --connect-timeout bound each attempt; --retries adds attempts after connection errors, 429 and 5xx, waiting an exponential backoff with jitter or the server's Retry-After (up to 120 s).

            With --state, each feed's ETag and Last-Modified are sent back (a 304 emits nothing) and every item's uid and content hash are kept; --new-only then emits only new or changed items. The state is written after the records, so a crash re-emits rather than loses; runs may share the file.

            --state redis://HOST[:PORT][/DB]/PREFIX keeps the state in Redis under keys starting with PREFIX, shared by fetchers on any number of machines; a fetcher holds a feed while it decides which items are new, so fetchers running at once emit each new item once. The password comes from --password-env VAR, never from the command line. A server that cannot be reached, or refuses the password, is one error before anything is fetched (exit status 3).
            """,
        version: CSVersion.string)

    static func main() { StageMain.run(Self.self) }

    @OptionGroup var common: StageOptions

    @Argument(help: ArgumentHelp("Feed URLs (http, https, file) or local feed files; - reads a feed list from stdin.", valueName: "url"))
    var urls: [String] = []

    @Option(name: .customLong("feeds"), help: ArgumentHelp("A feed list: one URL or path a line ('#' comments), or an OPML file. Repeatable.", valueName: "file"))
    var feedLists: [String] = []

    @Option(help: "Transfers at once.")
    var parallel = 8

    @Option(name: .customLong("per-host"), help: "Transfers at once to any one host.")
    var perHost = 4

    @Option(help: ArgumentHelp("Limit for each whole transfer, in seconds.", valueName: "seconds"))
    var timeout = 60.0

    @Option(name: .customLong("connect-timeout"), help: ArgumentHelp("Limit for connecting, in seconds.", valueName: "seconds"))
    var connectTimeout = 15.0

    @Option(help: "Further attempts after connection errors, 429 and 5xx (exponential backoff with jitter; Retry-After honoured).")
    var retries = 2

    @Option(name: .customLong("retry-delay"), help: ArgumentHelp("First backoff in seconds; it doubles with each retry.", valueName: "seconds"))
    var retryDelay = 1.0

    @Option(name: .customLong("max-size"), help: ArgumentHelp("Largest body accepted, after decompression (bytes, or with K, M, G).", valueName: "size"))
    var maxSize = "64M"

    @Option(name: .customLong("header"), help: ArgumentHelp("Extra request header 'Name: value'. Repeatable.", valueName: "header"))
    var headers: [String] = []

    @Option(name: .customLong("header-env"), help: ArgumentHelp("Header whose value is read from an environment variable: 'Name=VAR' (the value is never printed). Repeatable.", valueName: "name=var"))
    var headerEnv: [String] = []

    @Flag(help: "Do not verify TLS certificates and host names (warns).")
    var insecure = false

    @Flag(name: .customLong("allow-private-redirects"), help: "Follow redirects from public addresses to loopback, private and link-local ones (refused by default).")
    var allowPrivateRedirects = false

    @Option(name: .customLong("cacert"), help: ArgumentHelp("Verify servers against the CA certificates in this PEM file instead of the system's.", valueName: "file"))
    var caBundle: String?

    @Flag(help: "Emit cs.fetch/1 envelopes (the fetched document and its HTTP metadata) instead of records.")
    var raw = false

    @Option(name: .customLong("save-to"), help: ArgumentHelp("Keep each URL's body as a file in this directory (named after the URL's last path segment) instead of parsing it; with --state, conditionally (ETag / Last-Modified). `make data` uses it.", valueName: "dir"))
    var saveTo: String?

    @Option(help: ArgumentHelp("Where validators and seen items are kept between runs: a SQLite file, or redis://HOST[:PORT][/DB]/PREFIX shared by several fetchers.", valueName: "path|url"))
    var state: String?

    @Option(name: .customLong("password-env"), help: ArgumentHelp("--state redis://: environment variable holding the Redis password (AUTH; with a user in the URL, Redis 6 ACLs). Never on the command line.", valueName: "var"))
    var passwordEnv: String?

    @Flag(name: .customLong("new-only"), help: "Emit only items that are new or changed since the last run (needs --state).")
    var newOnly = false

    @Flag(help: "Print one summary row per feed on stderr (status, bytes, items, new items, ms, cache hit).")
    var stats = false

    @Flag(name: .customLong("no-progress"), help: "No live progress line, even on a terminal.")
    var noProgress = false

    func validate() throws {
        if common.describe { return }
        if urls.isEmpty && feedLists.isEmpty { throw ValidationError("give at least one URL or --feeds FILE") }
        if parallel < 1 || perHost < 1 { throw ValidationError("--parallel and --per-host must be at least 1") }
        for (name, value) in [("--timeout", timeout), ("--connect-timeout", connectTimeout), ("--retry-delay", retryDelay)]
        where !(value.isFinite && value >= 0 && value <= 86_400) {
            throw ValidationError("\(name) must be a number of seconds between 0 and 86400")
        }
        if retries < 0 || retries > 20 { throw ValidationError("--retries must be between 0 and 20") }
        if newOnly && state == nil { throw ValidationError("--new-only needs --state PATH (where seen items are kept)") }
        if urls.filter({ $0 == "-" }).count > 1 || (urls.contains("-") && feedLists.contains("-")) {
            throw ValidationError("stdin (-) can be read once")
        }
        var location: FetchStateLocation?
        if let state {
            do { location = try FetchStateLocation(parsing: state) } catch {
                // rediss:// is understood but not in this build: not a typing mistake; run() reports it (status 3).
                guard error.code == .unimplemented else { throw ValidationError("--state: \(error.message)") }
            }
        }
        if passwordEnv != nil && (state == nil || location?.isShared == false) {
            throw ValidationError("--password-env applies to --state redis://")
        }
        if let passwordEnv {
            do { _ = try RedisPassword.fromEnvironment(passwordEnv) } catch { throw ValidationError(error.message) }
        }
        if newOnly && raw { throw ValidationError("--new-only works on items; --raw emits whole documents (use --state alone to skip unchanged feeds)") }
        if saveTo != nil && (raw || newOnly) { throw ValidationError("--save-to keeps whole files; it does not go with --raw or --new-only") }
        if let saveTo {
            var st = stat()
            guard stat(saveTo, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { throw ValidationError("--save-to: \(saveTo) is not a directory") }
            for url in urls where SavedFile.name(for: url) == nil { throw ValidationError("--save-to: \(url) names no file (no last path segment)") }
        }
        if let caBundle, access(caBundle, R_OK) != 0 { throw ValidationError("--cacert: cannot read \(caBundle)") }
        if ByteSize.parse(maxSize) == nil { throw ValidationError("--max-size: not a size: \(maxSize)") }
        for (i, h) in headers.enumerated() where FetchOptions.header(parsing: h) == nil {
            // The text itself is not echoed: a mistyped header may well hold a token.
            throw ValidationError("--header #\(i + 1): expected 'Name: value' with a valid name and no line breaks")
        }
        for h in headerEnv {
            let parts = h.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[1].isEmpty, FetchOptions.header(parsing: parts[0] + ": x") != nil else {
                throw ValidationError("--header-env: expected 'Name=VARIABLE', got '\(h)'")
            }
            guard getenv(parts[1]) != nil else { throw ValidationError("--header-env: environment variable \(parts[1]) is not set") }
        }
    }

    mutating func run() throws {
        if common.describe { print(FetchLibrary.description.json(for: Self.self).text); return }
        let stage = Stage(name: "cs-fetch", options: common)

        var options = FetchOptions()
        options.parallel = parallel
        options.perHost = perHost
        options.timeout = timeout
        options.connectTimeout = connectTimeout
        options.retry = RetryPolicy(retries: retries, baseDelay: retryDelay, maxDelay: max(30, retryDelay))
        options.maxBodyBytes = ByteSize.parse(maxSize)!
        options.headers = headers.compactMap(FetchOptions.header(parsing:))
        for h in headerEnv {
            let parts = h.split(separator: "=", maxSplits: 1).map(String.init)
            options.headers.append((parts[0], String(cString: getenv(parts[1]))))
            options.secretHeaderNames.insert(parts[0])
        }
        options.insecure = insecure
        options.allowPrivateRedirects = allowPrivateRedirects
        options.caBundlePath = caBundle
        options.raw = raw
        if let state {
            do {
                options.state = try FetchStateLocation(parsing: state)
                options.statePassword = try passwordEnv.map { name throws(StageError) in try RedisPassword.fromEnvironment(name) }
            } catch {
                stage.fail(StageError(error.code, "--state: \(error.message)"))
            }
        }
        options.saveTo = saveTo
        options.newOnly = newOnly
        options.stats = stats
        options.progress = !noProgress

        var feeds = FeedList()
        for url in urls { feeds.addArgument(url, stage: stage) }
        for list in feedLists { feeds.addList(path: list, stage: stage) }
        if feeds.urls.isEmpty { stage.diagnostics.warning(.invalidArgument, "no feed to fetch") }
        do {
            let fetcher = try Fetcher(stage: stage, options: options)
            try fetcher.run(urls: feeds.urls)
        } catch {
            stage.fail(error)
        }
        stage.finish()
    }
}
