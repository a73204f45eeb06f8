#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSPosix

/// Writes all of `buf` to `fd` with write(2), again after a short write or EINTR.
/// Returns nil when everything was written, else the errno (EIO for a write that wrote nothing).
@discardableResult
public func writeAll(_ fd: Int32, _ buf: UnsafeRawBufferPointer) -> Int32? {
    var off = 0
    while off < buf.count {
        let n = write(fd, buf.baseAddress! + off, buf.count - off)
        if n > 0 { off += n; continue }
        if n < 0 && errno == EINTR { continue }
        return n < 0 ? errno : EIO
    }
    return nil
}

/// `writeAll` for bytes in an array.
@discardableResult
public func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
    bytes.withUnsafeBytes { writeAll(fd, $0) }
}

/// What one `readSome` gave.
public enum ReadOutcome: Equatable, Sendable {
    /// This many bytes (more than zero) are at the start of the buffer.
    case bytes(Int)
    /// End of input.
    case end
    /// SIGINT or SIGTERM asked the stage to stop (only when the caller honours stop signals).
    case stopped(signal: Int32)
    /// read(2) failed with this errno.
    case failed(errno: Int32)
}

/// One read(2) of up to `buffer.count` bytes (not zero) from `fd`, again after EINTR: the one read loop
/// of cs. With `honouringStop`, a stage reading input stops when asked: it waits for input or a stop
/// signal (cs_wait_readable, which also sees a signal that came just before the read) and returns
/// `.stopped` instead of reading on.
public func readSome(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, honouringStop: Bool = false) -> ReadOutcome {
    while true {
        if honouringStop, cs_wait_readable(fd) == 0 { return .stopped(signal: cs_stop_signal()) }
        let n = read(fd, buffer.baseAddress, buffer.count)
        if n > 0 { return .bytes(n) }
        if n == 0 { return .end }
        let e = errno
        guard e == EINTR else { return .failed(errno: e) }
        if honouringStop {
            let signal = cs_stop_signal()
            if signal != 0 { return .stopped(signal: signal) }
        }
    }
}
