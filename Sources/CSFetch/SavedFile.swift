#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// `cs-fetch --save-to DIR`: each URL's body is kept as a file in DIR, named after the URL's last path
/// segment (`known_exploited_vulnerabilities.json`, `epss_scores-current.csv.gz`), written to a temporary
/// name and renamed, so a reader never sees half a file. `make data` uses it for cs-enrich's KEV and EPSS data.
public enum SavedFile {
    /// The file name for a URL: its last path segment without query or fragment; nil when it has none.
    public static func name(for url: String) -> String? {
        var rest = Substring(url)
        // Past "scheme://": the host is not a file name.
        if let colon = rest.firstIndex(of: ":"), rest[colon...].hasPrefix("://") { rest = rest[rest.index(colon, offsetBy: 3)...] }
        if let cut = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<cut] }
        guard let slash = rest.lastIndex(of: "/") else { return nil }
        let name = rest[rest.index(after: slash)...]
        guard !name.isEmpty, name != ".", name != "..", !name.hasPrefix(".") else { return nil }
        return String(name)
    }

    public static func path(for url: String, in dir: String) -> String? {
        name(for: url).map { dir + "/" + $0 }
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Writes `body` to `path` through a temporary file in the same directory and rename(2).
    public static func save(_ body: [UInt8], to path: String) throws(StageError) {
        let temporary = path + ".part-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw StageError(.permissionDenied, "\(temporary): cannot create: \(String(cString: strerror(errno)))") }
        if let e = writeAll(fd, body) {
            close(fd)
            unlink(temporary)
            throw StageError(.dataLoss, "\(temporary): write error: \(String(cString: strerror(e)))")
        }
        guard fsync(fd) == 0, close(fd) == 0, rename(temporary, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            throw StageError(.dataLoss, "\(path): cannot save: \(message)")
        }
    }
}
