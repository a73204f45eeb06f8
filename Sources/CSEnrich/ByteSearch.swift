#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Substring search over bytes (memchr for the first byte, then a compare): Glibc's memmem is a GNU
/// extension Swift does not see.
enum ByteSearch {
    static func find(_ needle: [UInt8], in b: UnsafeBufferPointer<UInt8>, from: Int, limit: Int) -> Int? {
        guard let base = b.baseAddress, let first = needle.first else { return nil }
        let n = needle.count
        var i = from
        while i + n <= limit {
            guard let p = memchr(base + i, Int32(first), limit - n + 1 - i) else { return nil }
            let k = base.distance(to: p.assumingMemoryBound(to: UInt8.self))
            if n == 1 || (base[k + 1] == needle[1] && needle.withUnsafeBufferPointer({ memcmp(base + k, $0.baseAddress!, n) == 0 })) {
                return k
            }
            i = k + 1
        }
        return nil
    }
}
