import CCrypto

/// SHA-1 and MD5 of short values, through libcrypto's one-shot EVP_Digest: the hashes other formats
/// name things with (UUIDv5 is SHA-1 over a namespace and a name; a MISP feed's hashes.csv lists MD5s
/// of attribute values). Neither is used for integrity: record uids and content hashes are SHA-256.
/// EVP_sha1()/EVP_md5() return libcrypto's static method tables: nothing to free.
public enum NameDigest {
    public static func sha1(_ bytes: [UInt8]) -> [UInt8] { digest(bytes, EVP_sha1(), length: 20) }
    public static func md5(_ bytes: [UInt8]) -> [UInt8] { digest(bytes, EVP_md5(), length: 16) }
    public static func md5Hex(_ text: String) -> String { SHA256.hexString(md5(Array(text.utf8))) }

    private static func digest(_ bytes: [UInt8], _ method: OpaquePointer?, length: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var size: UInt32 = 0
        let ok = bytes.withUnsafeBytes { EVP_Digest($0.baseAddress ?? UnsafeRawPointer(out), $0.count, &out, &size, method, nil) }
        guard ok == 1, Int(size) == length else { fatalError("EVP_Digest failed") }
        return Array(out.prefix(length))
    }
}

/// Name-based UUIDs (RFC 9562 section 5.5, version 5: SHA-1 of the namespace's 16 bytes and the name),
/// so an object named the same way gets the same id on every run and machine.
public struct UUIDv5: Sendable, Hashable {
    public let bytes: [UInt8]

    /// A namespace written as `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
    public init?(namespace text: String) {
        let hex = text.filter { $0 != "-" }
        guard hex.count == 32 else { return nil }
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            guard let b = UInt8(hex[i..<j], radix: 16) else { return nil }
            out.append(b)
            i = j
        }
        bytes = out
    }

    public init(namespace: UUIDv5, name: String) {
        var hash = NameDigest.sha1(namespace.bytes + Array(name.utf8))
        hash[6] = (hash[6] & 0x0F) | 0x50   // version 5
        hash[8] = (hash[8] & 0x3F) | 0x80   // the RFC 9562 variant
        bytes = Array(hash.prefix(16))
    }

    /// Lowercase `8-4-4-4-12` form.
    public var string: String {
        let hex = SHA256.hexString(bytes)
        let u = Array(hex)
        return String(u[0..<8]) + "-" + String(u[8..<12]) + "-" + String(u[12..<16]) + "-" + String(u[16..<20]) + "-" + String(u[20..<32])
    }
}
