#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// `--to FILE` for formats that make one document (a JSON array, a table, a digest, a CSV with its
/// header): the document replaces the file instead of being appended after the last one. It is
/// written to a temporary file in the same folder (rename(2) is atomic only within one file
/// system), synced, and renamed over FILE at the end, so a reader sees the old document or the
/// new one, never half of one. A FILE that exists keeps its permissions; a symbolic link is
/// followed (the file it names is replaced).
public final class ReplaceFile: RecordOutput {
    public let path: String
    /// The file replaced: `path`, or what it links to.
    let target: String
    let temporary: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var finished = false

    public init(path: String) throws(StageError) {
        self.path = path
        let target = ReplaceFile.resolved(path)
        self.target = target
        let slash = target.lastIndex(of: "/")
        let folder = slash.map { String(target[...$0]) } ?? ""
        let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
        var existing = stat()
        let keepMode: mode_t? = stat(target, &existing) == 0 ? existing.st_mode & 0o7777 : nil
        var attempt = 0
        while true {
            // Hidden and marked, so tailers and globs of FILE's pattern pass it by.
            let candidate = "\(folder).\(name).cs-sink-\(getpid())-\(attempt).tmp"
            let opened = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if opened >= 0 {
                fd = opened
                temporary = candidate
                break
            }
            let e = errno
            guard e == EEXIST, attempt < 100 else {
                throw StageError(e == ENOENT ? .notFound : .permissionDenied,
                                 "cannot create a file next to \(path): \(String(cString: strerror(e)))")
            }
            attempt += 1
        }
        if let keepMode { _ = fchmod(fd, keepMode) }
        buffer.reserveCapacity(64 << 10)
    }

    deinit {
        // Never finished (the run failed before its end): FILE keeps its old document.
        guard !finished else { return }
        close(fd)
        unlink(temporary)
    }

    public func writeRecord(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
        buffer.append(0x0A)
        if buffer.count >= 64 << 10 { drain() }
    }

    public func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 64 << 10 { drain() }
    }

    /// Moves what is buffered into the temporary file; the document is only published by `finish`.
    public func flush() { drain() }

    /// Writes the rest, syncs, and renames the document over FILE (then syncs the folder, so the
    /// rename itself survives a crash).
    public func finish() {
        guard !finished else { return }
        finished = true
        drain()
        guard fsync(fd) == 0 else { abandon(errno) }
        close(fd)
        fd = -1
        guard rename(temporary, target) == 0 else { abandon(errno) }
        let slash = target.lastIndex(of: "/")
        let folder = slash.map { String(target[...$0]) } ?? "."
        let dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 {
            _ = fsync(dir)
            close(dir)
        }
    }

    private func drain() {
        guard !buffer.isEmpty, fd >= 0 else { return }
        if let e = writeAll(fd, buffer) { abandon(e) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// A write, sync or rename failed: FILE keeps its old document, the temporary file goes.
    private func abandon(_ e: Int32) -> Never {
        unlink(temporary)
        ExitStatus.outputFailed(errno: e)
    }

    /// Whether a document for `path` replaces it: when it is a regular file or does not exist yet.
    /// A device, FIFO or socket (`/dev/null`, `/dev/stderr`, a named pipe) is written to instead.
    public static func replaces(_ path: String) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0 else { return true }
        return st.st_mode & S_IFMT == S_IFREG
    }

    /// `path` with a symbolic link followed, so the link stays and the file it names is replaced.
    static func resolved(_ path: String) -> String {
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        // A link to a file not made yet: the file it names (relative to the link's folder).
        var link = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &link, link.count - 1)
        guard n > 0 else { return path }
        let named = String(decoding: link[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if named.hasPrefix("/") { return named }
        return path.lastIndex(of: "/").map { String(path[...$0]) + named } ?? named
    }
}
