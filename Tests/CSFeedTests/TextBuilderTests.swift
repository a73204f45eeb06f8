import CSTestSupport
import XCTest
@testable import CSFeed

/// TextBuilder's fast append (eight bytes at a time) against a byte-at-a-time statement of its rules.
final class TextBuilderTests: XCTestCase {
    /// The rules: whitespace (space, tab, LF, CR, FF, U+00A0) runs become one space between text, none
    /// at the start of a line or before a line break; other bytes are copied.
    static func reference(_ pieces: [[UInt8]], breaks: [Bool], singleLine: Bool) -> String {
        var out: [UInt8] = [], lineHasText = false, pending = false
        for (piece, lineBreak) in zip(pieces, breaks) {
            var i = 0
            while i < piece.count {
                let c = piece[i]
                if [0x20, 0x09, 0x0A, 0x0D, 0x0C].contains(c) { pending = lineHasText; i += 1; continue }
                if c == 0xC2, i + 1 < piece.count, piece[i + 1] == 0xA0 { pending = lineHasText; i += 2; continue }
                if pending { out.append(0x20); pending = false }
                out.append(c)
                lineHasText = true
                i += 1
            }
            if lineBreak {
                if singleLine { pending = lineHasText } else {
                    if lineHasText { out.append(0x0A) }
                    lineHasText = false
                    pending = false
                }
            }
        }
        while out.last == 0x0A { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    func testFastAppendFollowsTheRules() {
        var rng = SeededRandom(state: 20_261_204)
        let alphabet: [[UInt8]] = [[0x20], [0x20], [0x20], [0x09], [0x0A], [0x0D], [0x0C], [0xC2, 0xA0], [0xC2, 0xA9],
                                   [0x01], [0x61], [0x62], [0x63], [0x64], [0x65], [0x41], [0x3A], [0xE2, 0x80, 0x94]]
        for round in 0..<3000 {
            let singleLine = round % 3 == 0
            var pieces: [[UInt8]] = [], breaks: [Bool] = []
            for _ in 0..<Int.random(in: 1...5, using: &rng) {
                var piece: [UInt8] = []
                for _ in 0..<Int.random(in: 0...40, using: &rng) {
                    // Mostly words and single spaces, as in prose, with everything else mixed in.
                    piece += Int.random(in: 0..<3, using: &rng) == 0 ? alphabet.randomElement(using: &rng)! : [0x61 + UInt8.random(in: 0..<26, using: &rng)]
                }
                pieces.append(piece)
                breaks.append(Bool.random(using: &rng))
            }
            var b = TextBuilder(singleLine: singleLine, capacity: Int.random(in: 0...16, using: &rng))
            for (piece, lineBreak) in zip(pieces, breaks) {
                piece.withUnsafeBufferPointer { b.append($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count) }
                if lineBreak { b.lineBreak() }
            }
            let expected = Self.reference(pieces, breaks: breaks, singleLine: singleLine)
            if b.text != expected {
                XCTFail("pieces \(pieces) breaks \(breaks) single \(singleLine): \(b.text.debugDescription) != \(expected.debugDescription)")
                return
            }
        }
    }
}
