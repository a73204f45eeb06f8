import XCTest
import Foundation
import CSCore
import CSTestSupport

/// The one base64 codec (envelope bodies, Atom base64 content) against Foundation's.
final class Base64Tests: XCTestCase {
    func testEncodeAndDecodeAgreeWithFoundation() {
        let seed = SeededRandom.seed(20_261_204)
        var generator = SeededRandom(state: seed)
        for length in [0, 1, 2, 3, 4, 5, 63, 64, 65, 1000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = Base64.encode(bytes)
            XCTAssertEqual(text, Data(bytes).base64EncodedString(), "length \(length), CS_TEST_SEED=\(seed)")
            XCTAssertEqual(Base64.decode(text.utf8), bytes, "length \(length), CS_TEST_SEED=\(seed)")
        }
    }

    func testDecodeIsLenientAboutLayoutOnly() {
        // Whitespace (line-wrapped bodies), missing padding and the URL-safe alphabet are accepted.
        XCTAssertEqual(Base64.decode("aGVs\r\nbG8=".utf8), Array("hello".utf8))
        XCTAssertEqual(Base64.decode("aGVsbG8".utf8), Array("hello".utf8))
        XCTAssertEqual(Base64.decode("_-8".utf8), [0xFF, 0xEF])
        XCTAssertEqual(Base64.decode("".utf8), [])
        // Anything else is not base64: other characters, data after padding, a lone sixth of a byte.
        XCTAssertNil(Base64.decode("aGVs*G8=".utf8))
        XCTAssertNil(Base64.decode("aGU=bG8=".utf8))
        XCTAssertNil(Base64.decode("aGVsb".utf8))
    }
}
