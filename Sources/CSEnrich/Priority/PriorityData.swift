#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// The KEV catalog and EPSS scores cs-enrich looks CVEs up in, and how it finds them: `--kev FILE` and
/// `--epss FILE`, else `kev.json` and `epss.csv.gz` (or `epss.csv`, or the published names) in the data directory (`--data-dir`,
/// else `$XDG_DATA_HOME/cs`, else `~/.local/share/cs`), where `make data` puts them.
public final class PriorityData: @unchecked Sendable {
    public var kev: KEVCatalog?
    public var epss: EPSSTable?
    /// Diagnostics of loading: (level, code, message). A file that cannot be used is an error, but the stage
    /// goes on without it (records flow on without that evidence).
    public var messages: [(LogLevel, StatusCode, String)] = []

    public init() {}

    /// Data older than this gets a warning.
    public static let staleAfterSeconds = 7 * 86_400

    /// Looked for in this order: the short names, then the names CISA and FIRST publish them under (which
    /// `make data` keeps).
    public static let kevFileNames = ["kev.json", "known_exploited_vulnerabilities.json"]
    public static let epssFileNames = ["epss.csv.gz", "epss.csv", "epss_scores-current.csv.gz"]

    /// The default data directory: `$XDG_DATA_HOME/cs`, else `$HOME/.local/share/cs`.
    public static func defaultDirectory(environment: [String: String]) -> String? {
        if let x = environment["XDG_DATA_HOME"], !x.isEmpty { return x + "/cs" }
        if let h = environment["HOME"], !h.isEmpty { return h + "/.local/share/cs" }
        return nil
    }

    /// Loads what is named or found. `now` is epoch seconds (for the age check).
    public static func load(kevPath: String?, epssPath: String?, dataDir: String?, environment: [String: String], now: Int) -> PriorityData {
        let data = PriorityData()
        let dir = dataDir ?? defaultDirectory(environment: environment)
        let kevFile = kevPath ?? dir.flatMap { d in kevFileNames.map { d + "/" + $0 }.first(where: exists) }
        let epssFile = epssPath ?? dir.flatMap { d in epssFileNames.map { d + "/" + $0 }.first(where: exists) }
        if let dataDir, kevPath == nil || epssPath == nil, kevFile == nil || epssFile == nil {
            data.messages.append((.warning, .notFound, "\(dataDir): no \(kevFile == nil ? kevFileNames[0] : epssFileNames[0]) (run `make data` or `cs run pipelines/data.pipeline`)"))
        }
        if let kevFile { data.loadKEV(kevFile, now: now) }
        if let epssFile { data.loadEPSS(epssFile, now: now) }
        return data
    }

    private func loadKEV(_ path: String, now: Int) {
        var problems: [String] = []
        do {
            let bytes = try Self.readFile(path)
            let catalog = try KEVCatalog.parse(bytes, path: path, problems: &problems)
            kev = catalog
            checkAge(path, what: "KEV catalog", date: catalog.dateReleased, now: now)
        } catch {
            messages.append((.error, error.code, error.message + "; going on without KEV data"))
        }
        for p in problems { messages.append((.warning, .invalidArgument, p)) }
    }

    private func loadEPSS(_ path: String, now: Int) {
        var problems: [String] = []
        do {
            let table = try EPSSTable.load(path: path, problems: &problems)
            epss = table
            checkAge(path, what: "EPSS scores", date: table.scoreDate, now: now)
        } catch {
            messages.append((.error, error.code, error.message + "; going on without EPSS data"))
        }
        for p in problems { messages.append((.warning, .invalidArgument, p)) }
    }

    /// Warns when the data's own date (KEV `dateReleased`, EPSS `score_date`), else the file's modification
    /// time, is more than a week before `now`.
    private func checkAge(_ path: String, what: String, date: String?, now: Int) {
        var st = stat()
        let stamp = date.flatMap(RFC3339.parse) ?? (stat(path, &st) == 0 ? Int(st.st_mtim.tv_sec) : nil)
        guard let stamp, now - stamp > Self.staleAfterSeconds else { return }
        let days = (now - stamp) / 86_400
        messages.append((.warning, .failedPrecondition, "\(path): the \(what) are \(days) days old; refresh them with `make data`"))
    }

    private static func exists(_ path: String) -> Bool { access(path, R_OK) == 0 }

    static func readFile(_ path: String) throws(StageError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let code: StatusCode = errno == ENOENT ? .notFound : .permissionDenied
            throw StageError(code, "\(path): cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var out: [UInt8] = []
        let err = readToEnd(fd, appendingTo: &out)
        guard err == 0 else { throw StageError(.dataLoss, "\(path): read error: \(String(cString: strerror(err)))") }
        return out
    }
}
