#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The rule against server-side request forgery through redirects: a redirect from a public
/// address to a loopback, link-local, private or otherwise non-public one is refused. It is judged
/// on the addresses actually connected to (libcurl's connection, after DNS), so a name that
/// resolves to 127.0.0.1, or resolves differently the second time, does not get past it. The URL
/// the caller names itself is never judged: only where a redirect leads.
public struct RedirectGuard: Sendable {
    /// Addresses taken as public although they are not: "IP" or "IP:PORT" ("[IPv6]:PORT"). A test
    /// hook: loopback servers are all the tests have, and one of them must play the public side.
    public var publicForTesting: Set<String>

    public init(publicForTesting: Set<String> = []) {
        self.publicForTesting = publicForTesting
    }

    /// `CS_FETCH_TEST_PUBLIC_ADDRESSES`, comma-separated: the test hook above (never set it in use).
    public static func fromEnvironment() -> RedirectGuard {
        guard let value = getenv("CS_FETCH_TEST_PUBLIC_ADDRESSES") else { return RedirectGuard() }
        let entries = String(cString: value).split(separator: ",").map { String($0.filter { $0 != " " }) }
        return RedirectGuard(publicForTesting: Set(entries.filter { !$0.isEmpty }))
    }

    public func isPublic(ip: String, port: Int) -> Bool {
        let withPort = ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
        if publicForTesting.contains(ip) || publicForTesting.contains(withPort) { return true }
        return IPAddress.isPublic(ip)
    }
}

/// Where one request of a redirect chain went: its URL and the address connected to.
public struct ConnectedHop: Sendable {
    public var url: String
    public var ip: String
    public var port: Int
}

/// IP address classes (IANA special-purpose registries): which addresses are public.
public enum IPAddress {
    /// False for loopback, private (RFC 1918, unique local), link-local, shared (CGNAT), unspecified,
    /// documentation, benchmarking, multicast and reserved addresses, and for IPv6 forms that carry
    /// such an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4). False for text that is not
    /// an address.
    public static func isPublic(_ text: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return isPublic(v4: UInt32(bigEndian: v4.s_addr))
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return false }
        let b = withUnsafeBytes(of: v6) { Array($0) }
        return isPublic(v6: b)
    }

    static func isPublic(v4 a: UInt32) -> Bool {
        func within(_ net: UInt32, _ bits: UInt32) -> Bool { bits == 0 || a >> (32 - bits) == net >> (32 - bits) }
        let blocked: [(UInt32, UInt32)] = [
            (0x0000_0000, 8),   // 0.0.0.0/8 "this network"
            (0x0A00_0000, 8),   // 10/8 private
            (0x6440_0000, 10),  // 100.64/10 shared (CGNAT)
            (0x7F00_0000, 8),   // 127/8 loopback
            (0xA9FE_0000, 16),  // 169.254/16 link-local (cloud metadata services)
            (0xAC10_0000, 12),  // 172.16/12 private
            (0xC000_0000, 24),  // 192.0.0/24 IETF protocol assignments
            (0xC000_0200, 24),  // 192.0.2/24 documentation
            (0xC0A8_0000, 16),  // 192.168/16 private
            (0xC612_0000, 15),  // 198.18/15 benchmarking
            (0xC633_6400, 24),  // 198.51.100/24 documentation
            (0xCB00_7100, 24),  // 203.0.113/24 documentation
            (0xE000_0000, 4),   // 224/4 multicast
            (0xF000_0000, 4),   // 240/4 reserved, and the broadcast address
        ]
        return !blocked.contains { within($0.0, $0.1) }
    }

    static func isPublic(v6 b: [UInt8]) -> Bool {
        func v4(at i: Int) -> UInt32 { UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3]) }
        let zeros = { (range: Range<Int>) in b[range].allSatisfy { $0 == 0 } }
        if zeros(0..<10), b[10] == 0xFF, b[11] == 0xFF { return isPublic(v4: v4(at: 12)) }   // ::ffff:a.b.c.d mapped
        if zeros(0..<12) { return v4(at: 12) > 1 && isPublic(v4: v4(at: 12)) }     // ::, ::1, IPv4-compatible ::a.b.c.d
        if b[0] == 0x00, b[1] == 0x64, b[2] == 0xFF, b[3] == 0x9B, zeros(4..<12) { return isPublic(v4: v4(at: 12)) }  // 64:ff9b::/96 NAT64
        if b[0] == 0x20, b[1] == 0x02 { return isPublic(v4: v4(at: 2)) }            // 2002::/16 6to4
        if b[0] & 0xFE == 0xFC { return false }                                      // fc00::/7 unique local
        if b[0] == 0xFE, b[1] & 0xC0 == 0x80 { return false }                        // fe80::/10 link-local
        if b[0] == 0xFE, b[1] & 0xC0 == 0xC0 { return false }                        // fec0::/10 site-local (deprecated)
        if b[0] == 0xFF { return false }                                             // ff00::/8 multicast
        if b[0] == 0x20, b[1] == 0x01, b[2] == 0x0D, b[3] == 0xB8 { return false }   // 2001:db8::/32 documentation
        if b[0] == 0x01, b[1] == 0x00, zeros(2..<8) { return false }                 // 100::/64 discard
        return true
    }
}
