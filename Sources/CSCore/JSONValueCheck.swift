/// One JSON value of any kind validated without a tree, with RecordScanner's grammar and limits (strict
/// RFC 8259, valid UTF-8, nesting, numbers jansson can load). For readers that take a large document
/// apart piece by piece: cs-normalize's JSON Feed reader checks each item this way, then reads its
/// members through the returned reference.
extension JSONRef {
    /// The value `bytes` hold (whitespace around it allowed). The error's column is the 1-based byte
    /// offset of the problem inside `bytes`.
    public static func validated(_ bytes: UnsafeBufferPointer<UInt8>) throws(RecordScanner.ScanError) -> JSONRef {
        guard let start = bytes.baseAddress, bytes.count > 0 else {
            throw RecordScanner.ScanError(message: "expected a value", column: 1)
        }
        var v = Validator(p: start, end: start + bytes.count, base: start)
        v.skipSpace()
        let valueStart = v.p
        try v.value(depth: 0)
        let valueEnd = v.p
        v.skipSpace()
        if v.p < v.end { throw v.error("unexpected \(Validator.describe(v.p.pointee)) after the value") }
        return JSONRef(start: valueStart, end: valueEnd)
    }

    /// True for a number without fraction or exponent: jansson loads it as an integer.
    public var isIntegerNumber: Bool {
        isNumber && !bytes.contains(where: { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") })
    }

    /// Decodes a member name given by `forEachMember` (the bytes between its quotes).
    public static func memberName(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, hasEscape: Bool) -> String {
        decodeString(contentStart: start, contentEnd: end, hasEscape: hasEscape)
    }
}
