#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// Where a sink's bytes go: stdout (the stage's buffered `OutputWriter`), a file opened for
/// appending (`AppendFile`), or a document that replaces a file (`ReplaceFile`).
public protocol RecordOutput: AnyObject {
    /// One record line; the newline is added.
    func writeRecord(_ bytes: UnsafeBufferPointer<UInt8>)
    /// Text that is not a whole record (a table header, a JSON bracket).
    func write(_ bytes: [UInt8])
    func flush()
    /// The end of the output: flushes (and, for a document replacing a file, publishes it).
    func finish()
}

extension RecordOutput {
    public func finish() { flush() }
    public func writeRecord(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { writeRecord($0) } }
    public func write(_ text: String) { write(Array(text.utf8)) }
}

extension OutputWriter: RecordOutput {}

/// `--to FILE`: appends to the file (created 0644 if missing). Each record, newline included, goes
/// out in one write(2) on an O_APPEND descriptor, so a record is never split or interleaved with
/// another writer's, and Filebeat, Fluent Bit or rsyslog tailing the file only ever see whole lines.
///
/// With a `FileRotation`, a record that would take the file past its size first moves the file
/// aside (`FILE` to `FILE.1`, `FILE.1` to `FILE.2`, ... keeping `keep` of them) and starts a new
/// one: rename-based rotation, which tailers that follow inodes (Filebeat, Fluent Bit, rsyslog
/// imfile) read to the end before switching. Several cs-sink may rotate one file: each record is
/// written holding an exclusive flock(2) of the file, after checking that the descriptor is still
/// the file named FILE (another writer may have rotated it: then FILE is opened again), and only
/// the holder of that lock renames.
public final class AppendFile: RecordOutput {
    public let path: String
    public let rotation: FileRotation?
    private var fd: Int32
    private var line: [UInt8] = []
    private var pending: [UInt8] = []

    public init(path: String, rotation: FileRotation? = nil) throws(StageError) {
        self.path = path
        self.rotation = rotation
        fd = try AppendFile.open(path)
        line.reserveCapacity(64 << 10)
    }

    private static func open(_ path: String) throws(StageError) -> Int32 {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if fd < 0 {
            let e = errno
            throw StageError(StatusCode(errno: e), "cannot open \(path) for appending: \(systemErrorText(e))")
        }
        return fd
    }

    /// Writes one record into the current FILE, rotating first when the record would overflow it.
    /// Runs holding the file's lock, so writers sharing the file rotate it once, not once each.
    private func writeRotating(_ bytes: [UInt8], _ rotation: FileRotation) {
        while true {
            let st = lockCurrentFile()
            guard st.st_size > 0, Int(st.st_size) + bytes.count > rotation.maxBytes else { break }
            rotate(rotation)   // releases the lock; the new FILE is locked and checked again
        }
        writeWhole(bytes)
        _ = flock(fd, LOCK_UN)
    }

    /// Takes the exclusive lock of the file named `path` and returns its status. A descriptor whose
    /// file was renamed (rotated by another writer) or removed meanwhile is swapped for the file
    /// now at `path`.
    private func lockCurrentFile() -> stat {
        while true {
            while flock(fd, LOCK_EX) != 0 {
                if errno != EINTR { ExitStatus.outputFailed(errno: errno) }  // a signal: the record is still written
            }
            var mine = stat(), named = stat()
            guard fstat(fd, &mine) == 0 else { ExitStatus.outputFailed(errno: errno) }
            if stat(path, &named) == 0, named.st_dev == mine.st_dev, named.st_ino == mine.st_ino { return mine }
            let current: Int32
            do { current = try AppendFile.open(path) } catch { ExitStatus.outputFailed(errno: errno) }
            close(fd)   // also releases the lock on the old file
            fd = current
        }
    }

    /// Moves FILE aside (holding its lock) and opens a new FILE, unlocked.
    private func rotate(_ rotation: FileRotation) {
        for i in stride(from: rotation.keep - 1, through: 1, by: -1) {
            _ = rename("\(path).\(i)", "\(path).\(i + 1)")   // missing generations are fine
        }
        if rename(path, "\(path).1") != 0 && errno != ENOENT { ExitStatus.outputFailed(errno: errno) }
        let fresh: Int32
        do { fresh = try AppendFile.open(path) } catch { ExitStatus.outputFailed(errno: errno) }
        close(fd)   // releases the lock on the file just moved aside
        fd = fresh
    }

    deinit {
        flush()
        close(fd)
    }

    public func writeRecord(_ bytes: UnsafeBufferPointer<UInt8>) {
        // Text written before the record (a JSON array's comma) leaves with it.
        line.removeAll(keepingCapacity: true)
        line.append(contentsOf: pending)
        pending.removeAll(keepingCapacity: true)
        line.append(contentsOf: bytes)
        line.append(0x0A)
        if let rotation { writeRotating(line, rotation) } else { writeWhole(line) }
    }

    public func write(_ bytes: [UInt8]) { pending.append(contentsOf: bytes) }

    public func flush() {
        guard !pending.isEmpty else { return }
        writeWhole(pending)
        pending.removeAll(keepingCapacity: true)
    }

    private func writeWhole(_ bytes: [UInt8]) {
        if let e = writeAll(fd, bytes) { ExitStatus.outputFailed(errno: e) }
    }
}

/// `--rotate SIZE --keep N`.
public struct FileRotation: Sendable, Equatable {
    public var maxBytes: Int
    public var keep: Int

    public init(maxBytes: Int, keep: Int) {
        self.maxBytes = maxBytes
        self.keep = keep
    }

    /// `500K`, `10M`, `1G` (powers of 1024) or plain bytes.
    public static func parseSize(_ text: String) -> Int? {
        let t = text.trimmingSpaces
        guard let last = t.last else { return nil }
        let multipliers: [Character: Int] = ["K": 1 << 10, "k": 1 << 10, "M": 1 << 20, "m": 1 << 20, "G": 1 << 30, "g": 1 << 30]
        if let m = multipliers[last] {
            guard let n = Int(t.dropLast()), n > 0 else { return nil }
            return n * m
        }
        guard let n = Int(t), n > 0 else { return nil }
        return n
    }
}
