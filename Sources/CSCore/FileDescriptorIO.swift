#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

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
