#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// Finds `cs-NAME` executables the way git finds its subcommands: beside `cs` first, then on PATH.
public enum StageLocator {
    /// The directory holding the running executable.
    public static var ownDirectory: String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        let path = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return String(path[..<slash])
    }

    /// Directories searched, in order, without duplicates.
    public static var searchPath: [String] {
        var dirs: [String] = []
        if let own = ownDirectory { dirs.append(own) }
        if let path = getenv("PATH") {
            for d in String(cString: path).split(separator: ":") where !d.isEmpty { dirs.append(String(d)) }
        }
        var seen = Set<String>()
        return dirs.filter { seen.insert($0).inserted }
    }

    public static func isExecutable(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }

    /// The path of `cs-<stage>`, or nil. A name containing '/' is taken as a path.
    public static func find(stage: String) -> String? {
        if stage.contains("/") { return isExecutable(stage) ? stage : nil }
        let name = stage.hasPrefix("cs-") ? stage : "cs-" + stage
        for dir in searchPath {
            let candidate = dir + "/" + name
            if isExecutable(candidate) { return candidate }
        }
        return nil
    }

    /// Every `cs-*` executable: the first of each name in search order, with its path.
    public static func allStages() -> [(name: String, path: String)] {
        var found: [(String, String)] = []
        var seen = Set<String>()
        for dir in searchPath {
            guard let d = opendir(dir) else { continue }
            defer { closedir(d) }
            var names: [String] = []
            while let entry = readdir(d) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name.hasPrefix("cs-"), name.count > 3 { names.append(name) }
            }
            for name in names.sorted() where !seen.contains(name) {
                let path = dir + "/" + name
                if isExecutable(path) { seen.insert(name); found.append((name, path)) }
            }
        }
        return found.sorted { $0.0 < $1.0 }
    }
}

extension StageLocator {
    public static func isReadable(_ path: String) -> Bool { access(path, R_OK) == 0 }

    /// A whole small text file, or nil.
    public static func readText(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        guard readToEnd(fd, appendingTo: &out, chunk: 65536) == 0 else { return nil }
        return String(decoding: out, as: UTF8.self)
    }
}
