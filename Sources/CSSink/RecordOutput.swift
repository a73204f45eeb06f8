#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// Where a sink's bytes go: stdout (the stage's buffered `OutputWriter`) or a file opened for appending.
public protocol RecordOutput: AnyObject {
    /// One record line; the newline is added.
    func writeRecord(_ bytes: UnsafeBufferPointer<UInt8>)
    /// Text that is not a whole record (a table header, a JSON bracket).
    func write(_ bytes: [UInt8])
    func flush()
}

extension RecordOutput {
    public func writeRecord(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { writeRecord($0) } }
    public func write(_ text: String) { write(Array(text.utf8)) }
}

extension OutputWriter: RecordOutput {}

/// `--to FILE`: appends to the file (created 0644 if missing). Each record, newline included, goes
/// out in one write(2) on an O_APPEND descriptor, so a record is never split or interleaved with
/// another writer's, and Filebeat, Fluent Bit or rsyslog tailing the file only ever see whole lines.
public final class AppendFile: RecordOutput {
    public let path: String
    private let fd: Int32
    private var line: [UInt8] = []
    private var pending: [UInt8] = []

    public init(path: String) throws(StageError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if fd < 0 {
            throw StageError(errno == ENOENT ? .notFound : .permissionDenied,
                             "cannot open \(path) for appending: \(String(cString: strerror(errno)))")
        }
        line.reserveCapacity(64 << 10)
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
        writeWhole(line)
    }

    public func write(_ bytes: [UInt8]) { pending.append(contentsOf: bytes) }

    public func flush() {
        guard !pending.isEmpty else { return }
        writeWhole(pending)
        pending.removeAll(keepingCapacity: true)
    }

    private func writeWhole(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buf in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
                if n > 0 { off += n; continue }
                if n < 0 && errno == EINTR { continue }
                ExitStatus.outputFailed(errno: n < 0 ? errno : EIO)
            }
        }
    }
}
