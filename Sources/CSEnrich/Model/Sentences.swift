/// Sentence boundaries in text: a line break, or `.`, `!`, `?` followed by a space or the end (not after a
/// one-letter word: "e.g. ", "U.S. "). Model scores and hedging are per sentence.
enum Sentences {
    /// True when a sentence ends right after byte `k`.
    @inline(__always) static func endsAfter(_ k: Int, in text: UnsafeBufferPointer<UInt8>) -> Bool {
        let c = text[k]
        if c == 0x0A { return true }
        guard c == UInt8(ascii: ".") || c == UInt8(ascii: "!") || c == UInt8(ascii: "?") else { return false }
        guard k + 1 == text.count || isSpace(text[k + 1]) else { return false }
        // "e.g." and initials: a one-letter word before the dot.
        if c == UInt8(ascii: "."), k >= 1, Tokenizer.isWordByte(text[k - 1]), k < 2 || !Tokenizer.isWordByte(text[k - 2]) { return false }
        return true
    }

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    /// Calls `body` with the range of each sentence that has a word in it.
    static func forEach(in text: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        var start = 0
        for k in 0..<text.count where endsAfter(k, in: text) {
            emit(start, k + 1, text, body)
            start = k + 1
        }
        emit(start, text.count, text, body)
    }

    /// The same sentences as `forEach(in:)`, each with the range of its tokens in `tokens` (the words of
    /// all of `text`, Tokenizer.tokenize). Sentences end only at bytes between words, so only those are
    /// looked at.
    static func forEach(in text: UnsafeBufferPointer<UInt8>, tokens: UnsafeBufferPointer<Token>,
                        _ body: (Range<Int>, Range<Int>) -> Void) {
        let n = tokens.count
        var start = 0, firstToken = 0
        for i in 0...n {
            var k = i == 0 ? 0 : Int(tokens[i - 1].end)
            let gapEnd = i == n ? text.count : Int(tokens[i].start)
            while k < gapEnd {
                if endsAfter(k, in: text) {
                    if i > firstToken { body(trimmed(start, k + 1, text), firstToken..<i) }
                    firstToken = i
                    start = k + 1
                }
                k += 1
            }
        }
        if n > firstToken { body(trimmed(start, text.count, text), firstToken..<n) }
    }

    private static func trimmed(_ s: Int, _ e: Int, _ text: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var s = s, e = e
        while s < e, isSpace(text[s]) { s += 1 }
        while e > s, isSpace(text[e - 1]) { e -= 1 }
        return s..<e
    }

    private static func emit(_ s: Int, _ e: Int, _ text: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        var s = s, e = e
        while s < e, isSpace(text[s]) { s += 1 }
        while e > s, isSpace(text[e - 1]) { e -= 1 }
        if e > s, text[s..<e].contains(where: Tokenizer.isWordByte) { body(s..<e) }
    }

    /// The sentence around byte `offset`.
    static func around(_ offset: Int, in text: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var s = offset
        while s > 0, !endsAfter(s - 1, in: text) { s -= 1 }
        var e = offset
        while e < text.count, !endsAfter(e, in: text) { e += 1 }
        return s..<min(e + 1, text.count)
    }
}
