#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// File globs for pipeline files, bounded: a pattern such as `/*/*/*/*/*/*/*` may not read the whole
/// file system (glibc's glob has no limit of its own; that one took 22 s and 1.2 GB).
public enum Glob {
    public struct Limits: Sendable {
        /// Paths one pattern may expand to.
        public var paths: Int
        /// Directory entries one pattern may read while matching.
        public var entriesRead: Int
        public static let standard = Limits(paths: 10_000, entriesRead: 100_000)
        public init(paths: Int, entriesRead: Int) { self.paths = paths; self.entriesRead = entriesRead }
    }

    public enum Failure: Error, Equatable {
        case tooManyPaths(limit: Int)
        case tooMuchWork(entriesRead: Int)

        public var message: String {
            switch self {
            case .tooManyPaths(let limit): return "expands to more than \(limit) paths"
            case .tooMuchWork(let entries): return "reads more than \(entries) directory entries"
            }
        }
    }

    /// The paths matching `pattern`, sorted; nil when nothing matches or the pattern cannot be read.
    public static func expand(_ pattern: String, limits: Limits = .standard) throws(Failure) -> [String]? {
        // glob(3) reads directories through these callbacks (GLOB_ALTDIRFUNC), which count the entries and
        // stop handing them out once the budget is spent. The callbacks cannot carry a context, hence the
        // global budget; pipeline files are parsed on one thread.
        entriesLeft = limits.entriesRead
        budgetSpent = false
        var g = glob_t()
        defer { globfree(&g) }
        g.gl_opendir = { path in path.flatMap { UnsafeMutableRawPointer(opendir($0)) } }
        g.gl_closedir = { dir in if let dir { closedir(OpaquePointer(dir)) } }
        g.gl_readdir = { dir in
            guard let dir, entriesLeft > 0 else { budgetSpent = true; return nil }
            entriesLeft -= 1
            return UnsafeMutableRawPointer(readdir(OpaquePointer(dir)))
        }
        g.gl_stat = { path, buffer in
            guard let path, let buffer else { return -1 }
            return stat(path, buffer.assumingMemoryBound(to: stat.self))
        }
        g.gl_lstat = { path, buffer in
            guard let path, let buffer else { return -1 }
            return lstat(path, buffer.assumingMemoryBound(to: stat.self))
        }
        let rc = glob(pattern, GLOB_ALTDIRFUNC, nil, &g)
        if budgetSpent { throw .tooMuchWork(entriesRead: limits.entriesRead) }
        guard rc == 0 else { return nil }
        if Int(g.gl_pathc) > limits.paths { throw .tooManyPaths(limit: limits.paths) }
        return (0..<Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }
    }
}

// The budget of the pattern being expanded, for glob's callbacks (which cannot carry a context).
nonisolated(unsafe) private var entriesLeft = 0
nonisolated(unsafe) private var budgetSpent = false
