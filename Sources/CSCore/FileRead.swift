#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Appends everything left on `fd` to `out` (read(2) in large chunks, EINTR retried). Returns 0 at end
/// of input, or the errno of a failed read.
@discardableResult
public func readToEnd(_ fd: Int32, appendingTo out: inout [UInt8], chunk: Int = 1 << 20) -> Int32 {
    var buffer = [UInt8](repeating: 0, count: chunk)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if n > 0 { out.append(contentsOf: buffer[0..<n]); continue }
        if n == 0 { return 0 }
        if errno == EINTR { continue }
        return errno
    }
}
