import CSCore
import CSTestSupport
import XCTest

/// JSONBytesWriter must write exactly what jansson's compact dump writes for the same values: records
/// built with it are read back by every other stage with jansson or RecordScanner.
final class JSONBytesWriterTests: XCTestCase {
    private let awkward: [String] = [
        "", "plain", "quote \" and backslash \\", "controls \u{01}\u{08}\u{0C}\n\r\t\u{1F} end", "\u{7F} delete",
        "naïve — “quoted” 日本語 🛡️", String(repeating: "x", count: 7) + "\"" + String(repeating: "y", count: 9),
        String(repeating: "abcdefgh", count: 40) + "\n", "\u{00}nul inside", "/slash/ not escaped",
    ]

    func testStringsMatchJansson() {
        for s in awkward {
            let w = JSONBytesWriter(capacity: 1)   // forces growth on every write
            w.beginArray(); w.string(s); w.endArray()   // jansson dumps only arrays and objects
            XCTAssertEqual(String(decoding: w.bytes, as: UTF8.self), JSON.strings([s]).text, "string \(s.debugDescription)")
        }
    }

    /// Bytes that need escaping at every position of the eight-byte words the writer copies at once.
    func testEscapesAtEveryOffsetMatchJansson() {
        let specials: [Character] = ["\"", "\\", "\n", "\u{01}", "\u{1F}", "é", "€"]
        var generator = SeededRandom(state: 20_261_204)
        for length in 0..<40 {
            for _ in 0..<20 {
                let s = String((0..<length).map { _ in
                    Int.random(in: 0..<4, using: &generator) == 0 ? specials.randomElement(using: &generator)!
                        : Character(UnicodeScalar(UInt8.random(in: 0x20...0x7E, using: &generator)))
                })
                let w = JSONBytesWriter(capacity: 1)
                w.beginArray(); w.string(s); w.endArray()
                XCTAssertEqual(String(decoding: w.bytes, as: UTF8.self), JSON.strings([s]).text, s.debugDescription)
            }
        }
    }

    func testNestedDocumentMatchesJansson() {
        let w = JSONBytesWriter()
        w.beginObject()
        w.key("a"); w.string("x")
        w.key("none"); w.string(nil as String?)
        w.key("list"); w.strings(awkward)
        w.key("empty"); w.strings([])
        w.key("yes"); w.bool(true)
        w.key("no"); w.bool(false)
        w.key("null"); w.null()
        w.key("inner"); w.beginObject(); w.key("deep"); w.beginArray(); w.beginObject(); w.endObject(); w.endArray(); w.endObject()
        let ext = JSON.object()
        ext.set("n", .int(-42))
        ext.set("r", .double(1.5))
        ext.set("s", .strings(["a", "b"]))
        w.key("ext"); w.json(ext)
        w.endObject()

        let expected = JSON.object()
        expected.set("a", .string("x"))
        expected.set("none", .null)
        expected.set("list", .strings(awkward))
        expected.set("empty", .array())
        expected.set("yes", .bool(true))
        expected.set("no", .bool(false))
        expected.set("null", .null)
        let inner = JSON.object(), deep = JSON.array()
        deep.append(.object())
        inner.set("deep", deep)
        expected.set("inner", inner)
        expected.set("ext", ext)
        XCTAssertEqual(String(decoding: w.bytes, as: UTF8.self), expected.text)
    }

    func testResetStartsANewDocument() {
        let w = JSONBytesWriter()
        w.beginArray(); w.string("first"); w.endArray()
        w.reset()
        w.beginArray(); w.string("second"); w.endArray()
        XCTAssertEqual(String(decoding: w.bytes, as: UTF8.self), #"["second"]"#)
    }
}
