import Foundation
import XCTest
import CSCore

/// `JSONRef.appendDecodedString` (the CSCore decoding `--grep` and `--where` read through) agrees
/// with Foundation's JSON decoder on escapes, surrogate pairs and raw UTF-8.
final class StringDecodingTests: XCTestCase {
    func testDecodingMatchesFoundation() throws {
        let samples = [
            #""plain ascii""#, #""caf\u00e9 \/ \"q\" \\ back""#, #""tab\there\nnew\r\b\f""#,
            #""emoji \ud83d\ude00 pair""#, #""raw é 😀 ü""#, #""\u0041\u00DF\u4e2d""#, #""""#,
            #""ends with escape\n""#, #""\\\\\\""#,
        ]
        let scanner = RecordScanner()
        for s in samples {
            let line = "{\"v\":\(s)}"
            var bytes = Array(line.utf8)
            let decoded: [UInt8] = try bytes.withUnsafeMutableBufferPointer { buf in
                try scanner.scan(UnsafeBufferPointer(buf))
                var out: [UInt8] = [1, 2]   // appends after what is there
                XCTAssertTrue(scanner.value("v")!.appendDecodedString(to: &out))
                return Array(out.dropFirst(2))
            }
            let expected = try XCTUnwrap((JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])?["v"])
            XCTAssertEqual(String(decoding: decoded, as: UTF8.self), expected, s)
        }
    }

    func testNonStringsAreNotDecoded() throws {
        let scanner = RecordScanner()
        var bytes = Array(#"{"n":12,"a":["x"],"z":null}"#.utf8)
        try bytes.withUnsafeMutableBufferPointer { buf in
            try scanner.scan(UnsafeBufferPointer(buf))
            var out: [UInt8] = []
            for key in ["n", "a", "z"] { XCTAssertFalse(scanner.value(key)!.appendDecodedString(to: &out)) }
            XCTAssertTrue(out.isEmpty)
        }
    }
}
