/// Character classes for the byte loops of the text passes, as one 256-entry table (a load and a mask
/// per byte instead of a chain of comparisons).
enum ByteClass {
    static let word: UInt8 = 1      // letters, digits, non-ASCII bytes: what tokens are made of
    static let chunk: UInt8 = 2     // what indicators and words are made of: word bytes and . - _ : / @ =
    static let digit: UInt8 = 4
    static let dot: UInt8 = 8
    static let colon: UInt8 = 16
    static let at: UInt8 = 32
    static let nonASCII: UInt8 = 64

    static let table: [UInt8] = (0..<256).map { i -> UInt8 in
        let c = UInt8(i)
        var k: UInt8 = 0
        let isDigit = c >= 48 && c <= 57
        let isLetter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
        if isDigit || isLetter || c >= 0x80 { k |= word }
        if isDigit || isLetter || c >= 0x80 || c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
            || c == UInt8(ascii: ":") || c == UInt8(ascii: "/") || c == UInt8(ascii: "@") || c == UInt8(ascii: "=") { k |= chunk }
        if isDigit { k |= digit }
        if c == UInt8(ascii: ".") { k |= dot }
        if c == UInt8(ascii: ":") { k |= colon }
        if c == UInt8(ascii: "@") { k |= at }
        if c >= 0x80 { k |= nonASCII }
        return k
    }

    /// ASCII letters lowercased, other bytes unchanged.
    static let lower: [UInt8] = (0..<256).map { i -> UInt8 in
        let c = UInt8(i)
        return c >= 65 && c <= 90 ? c | 0x20 : c
    }
}
