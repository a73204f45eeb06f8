import CSHash

/// SHA-256 (FIPS 180-4), for record uids and content hashes. Small and dependency-free so that
/// uids are the same on every machine and build.
public struct SHA256 {
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]
    private var h: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
    /// The block being filled: 64 bytes as eight words, so that no array is allocated per hash.
    private var block: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var blockCount = 0
    private var totalBytes: UInt64 = 0

    public init() {}

    public mutating func update<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done != nil { return }
        for b in bytes { withUnsafeBytes(of: b) { update($0) } }
    }

    public mutating func update(_ text: String) {
        var text = text
        text.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// Whole blocks are compressed straight from the input; only a partial block is copied.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let n = min(64 - blockCount, bytes.count - offset)
            withUnsafeMutableBytes(of: &block) { b in
                b.baseAddress!.advanced(by: blockCount).copyMemory(from: bytes.baseAddress!.advanced(by: offset), byteCount: n)
            }
            blockCount += n
            offset += n
            if blockCount == 64 {
                compressBlock()
                blockCount = 0
            }
        }
    }

    public mutating func finalize() -> [UInt8] {
        let bitLength = (totalBytes &+ UInt64(blockCount)) &* 8
        withUnsafeMutableBytes(of: &block) { b in
            b[blockCount] = 0x80
            for k in (blockCount + 1)..<64 { b[k] = 0 }
        }
        if blockCount >= 56 {
            compressBlock()
            withUnsafeMutableBytes(of: &block) { b in for k in 0..<56 { b[k] = 0 } }
        }
        withUnsafeMutableBytes(of: &block) { b in
            for k in 0..<8 { b[56 + k] = UInt8(truncatingIfNeeded: bitLength >> (UInt64(7 - k) * 8)) }
        }
        compressBlock()
        var out = [UInt8](repeating: 0, count: 32)
        withUnsafeBytes(of: h) { words in
            for k in 0..<8 {
                let v = words.load(fromByteOffset: k * 4, as: UInt32.self)
                out[k * 4] = UInt8(v >> 24)
                out[k * 4 + 1] = UInt8(truncatingIfNeeded: v >> 16)
                out[k * 4 + 2] = UInt8(truncatingIfNeeded: v >> 8)
                out[k * 4 + 3] = UInt8(truncatingIfNeeded: v)
            }
        }
        return out
    }

    /// The x86 SHA extensions, when this CPU has them (`hardware` can be turned off to test the other path).
    static let hardwareAvailable = cs_sha256_hardware_available() != 0
    var hardware = SHA256.hardwareAvailable

    private mutating func compressBlock() {
        totalBytes &+= 64
        if hardware {
            withUnsafeMutableBytes(of: &h) { state in
                withUnsafeBytes(of: &block) { bytes in
                    SHA256.k.withUnsafeBufferPointer { k in
                        cs_sha256_hardware_blocks(state.baseAddress!.assumingMemoryBound(to: UInt32.self),
                                                  bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), 1, k.baseAddress!)
                    }
                }
            }
            return
        }
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            withUnsafeBytes(of: &block) { b in
                for i in 0..<16 {
                    w[i] = UInt32(b[i * 4]) << 24 | UInt32(b[i * 4 + 1]) << 16 | UInt32(b[i * 4 + 2]) << 8 | UInt32(b[i * 4 + 3])
                }
            }
            for i in 16..<64 {
                let s0 = w[i - 15].rotr(7) ^ w[i - 15].rotr(18) ^ (w[i - 15] >> 3)
                let s1 = w[i - 2].rotr(17) ^ w[i - 2].rotr(19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var a = h.0, b = h.1, c = h.2, d = h.3, e = h.4, f = h.5, g = h.6, hh = h.7
            SHA256.k.withUnsafeBufferPointer { k in
                for i in 0..<64 {
                    let s1 = e.rotr(6) ^ e.rotr(11) ^ e.rotr(25)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = hh &+ s1 &+ ch &+ k[i] &+ w[i]
                    let s0 = a.rotr(2) ^ a.rotr(13) ^ a.rotr(22)
                    let maj = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ maj
                    hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
                }
            }
            h.0 &+= a; h.1 &+= b; h.2 &+= c; h.3 &+= d; h.4 &+= e; h.5 &+= f; h.6 &+= g; h.7 &+= hh
        }
    }

    public static func hex(_ text: String) -> String {
        var s = SHA256()
        s.update(text)
        return hexString(s.finalize())
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        var s = SHA256()
        s.update(bytes)
        return hexString(s.finalize())
    }

    /// Lowercase hex of the first `count` bytes of `digest` (all of them by default).
    public static func hexString(_ digest: [UInt8], count: Int? = nil) -> String {
        let n = min(count ?? digest.count, digest.count)
        return String(unsafeUninitializedCapacity: n * 2) { out in
            let digits: StaticString = "0123456789abcdef"
            for k in 0..<n {
                out[2 * k] = digits.utf8Start[Int(digest[k] >> 4)]
                out[2 * k + 1] = digits.utf8Start[Int(digest[k] & 15)]
            }
            return n * 2
        }
    }
}

extension UInt32 {
    @inline(__always) fileprivate func rotr(_ n: UInt32) -> UInt32 { (self >> n) | (self << (32 - n)) }
}

/// The record's `uid`: the first 128 bits of SHA-256 over the feed URL, a newline, and the item id,
/// in hex. Stable across runs and machines; the dedupe key everywhere in cs.
public func recordUID(feedURL: String, id: String) -> String {
    var s = SHA256()
    s.update(feedURL)
    s.update("\n")
    s.update(id)
    return SHA256.hexString(s.finalize(), count: 16)
}
