#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Appends everything left on `fd` to `out` (read(2) in large chunks, through `readSome`). Returns 0 at end
/// of input, or the errno of a failed read.
@discardableResult
public func readToEnd(_ fd: Int32, appendingTo out: inout [UInt8], chunk: Int = 1 << 20) -> Int32 {
    var buffer = [UInt8](repeating: 0, count: chunk)
    while true {
        switch buffer.withUnsafeMutableBytes({ readSome(fd, into: $0) }) {
        case .bytes(let n): out.append(contentsOf: buffer[0..<n])
        case .end: return 0
        case .failed(let e): return e
        case .stopped: return EINTR   // not asked for: never happens
        }
    }
}
