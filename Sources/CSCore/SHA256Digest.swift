import CCrypto

/// SHA-256 through OpenSSL's libcrypto (the EVP digest interface), for record uids and content hashes.
/// One value owns one EVP_MD_CTX: made in init, freed in deinit; the type is not copyable so that no two
/// values share (and free) the same context.
public struct SHA256: ~Copyable {
    /// Fetched once: EVP_sha256() would look the implementation up again on every init. The system's
    /// openssl.cnf is not read: SHA-256 is the same under any configuration, and reading it costs every
    /// stage a millisecond at start.
    private nonisolated(unsafe) static let method: OpaquePointer = {
        guard OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_LOAD_CONFIG), nil) == 1 else { fatalError("OPENSSL_init_crypto failed") }
        guard let md = EVP_MD_fetch(nil, "SHA256", nil) else { fatalError("libcrypto has no SHA256") }
        return md
    }()
    private let context: OpaquePointer

    public init() {
        guard let context = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new: out of memory") }
        self.context = context
        guard EVP_DigestInit_ex2(context, SHA256.method, nil) == 1 else { fatalError("EVP_DigestInit_ex2 failed for SHA256") }
    }

    deinit { EVP_MD_CTX_free(context) }

    public mutating func update<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done != nil { return }
        update(Array(bytes))
    }

    public mutating func update(_ text: String) {
        var text = text
        text.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        guard EVP_DigestUpdate(context, base, bytes.count) == 1 else { fatalError("EVP_DigestUpdate failed") }
    }

    /// The 32-byte digest; the value is used up.
    public consuming func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &out, &length) == 1, length == 32 else { fatalError("EVP_DigestFinal_ex failed") }
        return out
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

/// The record's `uid`: the first 128 bits of SHA-256 over the feed URL, a newline, and the item id,
/// in hex. Stable across runs and machines; the dedupe key everywhere in cs.
public func recordUID(feedURL: String, id: String) -> String {
    var s = SHA256()
    s.update(feedURL)
    s.update("\n")
    s.update(id)
    return SHA256.hexString(s.finalize(), count: 16)
}
