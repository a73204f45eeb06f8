#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSPosix

/// One line of input: its bytes without the newline (and without a trailing CR), valid until the
/// next call to `LineReader.next()`.
public struct InputLine {
    public let bytes: UnsafeBufferPointer<UInt8>
    /// 1-based line number within its input.
    public let number: Int
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

public enum LineReaderError: Error, CustomStringConvertible {
    /// A line longer than the limit; the reader has skipped to the next newline.
    case lineTooLong(line: Int, limit: Int)
    case readFailed(errno: Int32)
    case interrupted(signal: Int32)

    public var description: String {
        switch self {
        case let .lineTooLong(line, limit): return "line \(line) is longer than \(limit) bytes; skipped"
        case let .readFailed(e): return String(cString: strerror(e))
        case let .interrupted(sig): return "interrupted by signal \(sig)"
        }
    }
}

/// Reads newline-delimited input with read(2) into a large buffer and hands out lines without copying.
/// Lines may be of any length up to `maxLineBytes` (default 64 MiB); a longer line is reported as
/// `lineTooLong` and skipped, and reading goes on with the next line.
public final class LineReader {
    public static let defaultMaxLineBytes = 64 << 20
    public let fd: Int32
    public let maxLineBytes: Int
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0          // first byte not yet handed out
    private var end = 0            // one past the last byte read
    private var eof = false
    private var discarding = false // inside an over-long line, skipping to its newline
    private var lineNumber = 0
    public private(set) var bytesRead = 0

    public init(fd: Int32, maxLineBytes: Int = LineReader.defaultMaxLineBytes, initialCapacity: Int = 1 << 20) {
        self.fd = fd
        self.maxLineBytes = maxLineBytes
        capacity = max(4096, min(initialCapacity, maxLineBytes + 1))
        buffer = .allocate(capacity: capacity)
    }

    deinit { buffer.deallocate() }

    /// The next line, or nil at end of input.
    public func next() throws(LineReaderError) -> InputLine? {
        while true {
            if let nl = memchr(buffer + start, 0x0A, end - start) {
                let nlIndex = nl.assumingMemoryBound(to: UInt8.self) - buffer
                let lineStart = start
                start = nlIndex + 1
                lineNumber += 1
                if discarding {
                    discarding = false
                    continue   // the tail of an over-long line, already reported
                }
                return try makeLine(lineStart, nlIndex)
            }
            if eof {
                guard start < end else { return nil }
                let lineStart = start
                start = end
                lineNumber += 1
                if discarding { discarding = false; return nil }
                return try makeLine(lineStart, end)
            }
            // No newline in what is buffered: make room, then read more.
            if start > 0 {
                memmove(buffer, buffer + start, end - start)
                end -= start
                start = 0
            }
            if end == capacity {
                if capacity > maxLineBytes {
                    // Over the limit: drop what we have and skip to the next newline.
                    end = 0
                    if !discarding {
                        discarding = true
                        throw .lineTooLong(line: lineNumber + 1, limit: maxLineBytes)
                    }
                } else {
                    let newCapacity = min(capacity * 2, maxLineBytes + 1)
                    let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
                    grown.update(from: buffer, count: end)
                    buffer.deallocate()
                    buffer = grown
                    capacity = newCapacity
                }
            }
            try fill()
        }
    }

    private func makeLine(_ from: Int, _ to: Int) throws(LineReaderError) -> InputLine {
        var to = to
        if to > from, buffer[to - 1] == 0x0D { to -= 1 }   // CRLF input
        // The buffer is never smaller than 4 KiB, so a line that fits it may still be over a smaller limit.
        if to - from > maxLineBytes { throw .lineTooLong(line: lineNumber, limit: maxLineBytes) }
        return InputLine(bytes: UnsafeBufferPointer(start: buffer + from, count: to - from), number: lineNumber)
    }

    private func fill() throws(LineReaderError) {
        while true {
            switch readSome(fd, into: UnsafeMutableRawBufferPointer(start: buffer + end, count: capacity - end), honouringStop: true) {
            case .bytes(let n): end += n; bytesRead += n; return
            case .end: eof = true; return
            case .stopped(let signal): throw .interrupted(signal: signal)
            case .failed(let e): throw .readFailed(errno: e)
            }
        }
    }

    /// Reads everything that is left (for whole documents such as feeds), up to `limit` bytes.
    public func readAll(limit: Int = 512 << 20) throws(LineReaderError) -> [UInt8] {
        var out = [UInt8](UnsafeBufferPointer(start: buffer + start, count: end - start))
        start = end
        while !eof {
            end = 0; start = 0
            try fill()
            out.append(contentsOf: UnsafeBufferPointer(start: buffer, count: end))
            start = end
            if out.count > limit { throw .lineTooLong(line: 1, limit: limit) }
        }
        return out
    }
}
