import XCTest
import CSCore

/// SHA-1, MD5 and UUIDv5 against published vectors (FIPS 180 / RFC 1321 "abc", RFC 9562 appendix A.4).
final class NameDigestTests: XCTestCase {
    func testDigestVectors() {
        XCTAssertEqual(SHA256.hexString(NameDigest.sha1(Array("abc".utf8))), "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(NameDigest.md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72")
        XCTAssertEqual(NameDigest.md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e")
    }

    func testUUIDv5MatchesRFC9562() throws {
        let dns = try XCTUnwrap(UUIDv5(namespace: "6ba7b810-9dad-11d1-80b4-00c04fd430c8"))
        XCTAssertEqual(UUIDv5(namespace: dns, name: "www.example.com").string, "2ed6657d-e927-568b-95e1-2665a8aea6a2")
        XCTAssertNotEqual(UUIDv5(namespace: dns, name: "www.example.org").string, "2ed6657d-e927-568b-95e1-2665a8aea6a2")
        XCTAssertNil(UUIDv5(namespace: "not-a-uuid"))
    }
}
