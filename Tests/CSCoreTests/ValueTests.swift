import XCTest
@testable import CSCore

final class ValueTests: XCTestCase {
    func testCanonicalTags() {
        XCTAssertEqual(Tag.canonical("entra_id"), "entra-id")
        XCTAssertEqual(Tag.canonical("Entra ID"), "entra-id")
        XCTAssertEqual(Tag.canonical("  Credential__Access "), "credential-access")
        XCTAssertEqual(Tag.canonical("ÉTÉ_x"), "été-x")
        XCTAssertEqual(Tag.canonicalSet(["entra_id", "entra-id", "", "Azure"]), ["entra-id", "azure"])
        // Already-canonical tags are returned as they are; dashes alone still need the full pass.
        for tag in ["t1110", "credential-access", "a-b-c", "c2", "x.y/z"] {
            XCTAssertTrue(Tag.isCanonical(tag), tag)
            XCTAssertEqual(Tag.canonical(tag), tag)
        }
        XCTAssertEqual(Tag.canonical("-lead"), "lead")
        XCTAssertEqual(Tag.canonical("trail-"), "trail")
        XCTAssertEqual(Tag.canonical("a--b"), "a-b")
        XCTAssertEqual(Tag.canonical("---"), "")
        // Many tags take the hashed path; the result is the same.
        let many = (0..<40).map { "Tag_\($0 % 20)" }
        XCTAssertEqual(Tag.canonicalSet(many), (0..<20).map { "tag-\($0)" })
    }

    func testSeverityParsingAndOrder() {
        XCTAssertEqual(Severity(parsing: "High"), .high)
        XCTAssertEqual(Severity(parsing: "moderate"), .medium)
        XCTAssertNil(Severity(parsing: "banana"))
        XCTAssertTrue(Severity.info < Severity.critical)
        var b = Array("medium".utf8)
        b.withUnsafeMutableBufferPointer { XCTAssertEqual(Severity.fromCanonicalBytes(UnsafeBufferPointer($0)), .medium) }
    }

    func testSHA256KnownVectors() {
        // Known vectors (FIPS 180-2 and NIST's examples), through libcrypto.
        var piecewise = SHA256()
        piecewise.update("ab")
        piecewise.update("c")
        let digest = piecewise.finalize()
        XCTAssertEqual(SHA256.hexString(digest), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(String(repeating: "a", count: 1000)),
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        // 56 bytes: the length field no longer fits the first block's padding.
        XCTAssertEqual(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(recordUID(feedURL: "https://f.example/feed", id: "x").count, 32)
        XCTAssertEqual(recordUID(feedURL: "https://f.example/feed", id: "x"),
                       String(SHA256.hex("https://f.example/feed\nx").prefix(32)))
    }

    func testSHA256PiecewiseEqualsWhole() {
        let text = Array((0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        for cut in [0, 1, 55, 56, 63, 64, 65, 128, 299, 300] {
            var s = SHA256()
            s.update(text[..<cut])
            s.update(Array(text[cut...]))
            let digest = s.finalize()
            XCTAssertEqual(SHA256.hexString(digest), SHA256.hex(text), "split at \(cut)")
        }
    }

    func testRFC3339() {
        XCTAssertEqual(RFC3339.format(epochSeconds: 0), "1970-01-01T00:00:00Z")
        // The ends of the four-digit years every parser keeps dates within, and a leap day.
        XCTAssertEqual(RFC3339.format(epochSeconds: RFC3339.epochSeconds(year: 0, month: 1, day: 1)), "0000-01-01T00:00:00Z")
        XCTAssertEqual(RFC3339.format(epochSeconds: RFC3339.epochSeconds(year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59)),
                       "9999-12-31T23:59:59Z")
        XCTAssertEqual(RFC3339.format(epochSeconds: RFC3339.epochSeconds(year: 2024, month: 2, day: 29, hour: 7, minute: 5, second: 9)),
                       "2024-02-29T07:05:09Z")
        XCTAssertEqual(RFC3339.parse("2026-04-22T18:43:05Z").map { RFC3339.format(epochSeconds: $0) }, "2026-04-22T18:43:05Z")
        XCTAssertEqual(RFC3339.parse("2026-04-22T20:43:05+02:00").map { RFC3339.format(epochSeconds: $0) }, "2026-04-22T18:43:05Z")
        XCTAssertEqual(RFC3339.parse("2024-02-29").map { RFC3339.format(epochSeconds: $0) }, "2024-02-29T00:00:00Z")
        XCTAssertNil(RFC3339.parse("yesterday"))
    }

    func testJSONRoundTripKeepsOrderAndUnicode() throws {
        let o = JSON.object()
        o.set("z", .string("é\"\n"))
        o.set("a", .strings(["x"]))
        o.set("n", .null)
        XCTAssertEqual(o.text, #"{"z":"é\"\n","a":["x"],"n":null}"#)
        let back = try JSON.parse(o.text)
        XCTAssertEqual(back["z"]?.stringValue, "é\"\n")
        XCTAssertEqual(back.keys, ["z", "a", "n"])
        XCTAssertThrowsError(try JSON.parse("{\"a\":}"))
    }
}
