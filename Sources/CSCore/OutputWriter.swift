#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSPosix

/// Buffered output for records: block-buffered into pipes and files, line-buffered on a terminal
/// or when asked (`--line-buffered`), so a consumer such as `tail -f` or a log shipper sees each
/// record as soon as it is complete. A reader that goes away (EPIPE) ends the stage quietly.
public final class OutputWriter {
    public let fd: Int32
    public var lineBuffered: Bool
    private let capacity: Int
    private let buffer: UnsafeMutablePointer<UInt8>
    private var used = 0
    public private(set) var recordsWritten = 0

    public init(fd: Int32 = 1, lineBuffered: Bool = false, capacity: Int = 256 << 10) {
        self.fd = fd
        self.lineBuffered = lineBuffered || cs_isatty(fd) != 0
        self.capacity = capacity
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        flush()
        buffer.deallocate()
    }

    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard let src = bytes.baseAddress, bytes.count > 0 else { return }
        if bytes.count > capacity - used {
            flush()
            if bytes.count >= capacity { writeFully(src, bytes.count); return }
        }
        (buffer + used).update(from: src.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        used += bytes.count
    }

    public func write(_ bytes: UnsafeBufferPointer<UInt8>) { write(UnsafeRawBufferPointer(bytes)) }
    public func write(_ bytes: [UInt8]) { bytes.withUnsafeBytes { write($0) } }
    public func write(_ text: String) {
        var text = text
        text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// Writes one record line (the newline is added) and flushes when line-buffered.
    public func writeRecord(_ line: UnsafeBufferPointer<UInt8>) {
        write(UnsafeRawBufferPointer(line))
        endRecord()
    }
    public func writeRecord(_ line: [UInt8]) { line.withUnsafeBytes { write($0) }; endRecord() }
    public func writeRecord(_ json: JSON) { writeRecord(json.serialized()) }

    /// Ends a record: the newline, a count, and a flush in line-buffered mode.
    public func endRecord() {
        if used == capacity { flush() }
        buffer[used] = 0x0A
        used += 1
        recordsWritten += 1
        if lineBuffered { flush() }
    }

    public func flush() {
        guard used > 0 else { return }
        let n = used
        used = 0
        writeFully(buffer, n)
    }

    /// A reader that went away ends the stage quietly; any other failure is fatal.
    private func writeFully(_ src: UnsafeRawPointer, _ count: Int) {
        guard let e = writeAll(fd, UnsafeRawBufferPointer(start: src, count: count)) else { return }
        if e == EPIPE { ExitStatus.brokenPipe() }
        ExitStatus.outputFailed(errno: e)
    }
}
