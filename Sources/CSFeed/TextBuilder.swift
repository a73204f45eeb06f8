/// Builds readable plain text from pieces of markup text: runs of whitespace (including no-break
/// spaces) become one space, line breaks are only ever single, and no line starts or ends with a space.
struct TextBuilder {
    private(set) var bytes: [UInt8] = []
    private var lineHasText = false
    private var pendingSpace = false
    /// Joins what would be separate lines with spaces (for one list item or one heading).
    let singleLine: Bool

    init(singleLine: Bool = false, capacity: Int = 256) {
        self.singleLine = singleLine
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    private static func isSpace(_ p: UnsafePointer<UInt8>, _ i: Int) -> Int {
        let c = p[i]
        if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C { return 1 }
        if c == 0xC2 && p[i + 1] == 0xA0 { return 2 }   // U+00A0 no-break space
        return 0
    }

    /// Appends NUL-terminated UTF-8 text, copying runs of non-space bytes whole.
    mutating func append(_ p: UnsafePointer<UInt8>) {
        var i = 0
        while p[i] != 0 {
            let space = Self.isSpace(p, i)
            if space > 0 {
                pendingSpace = lineHasText
                i += space
                continue
            }
            var j = i + 1
            while p[j] != 0 && Self.isSpace(p, j) == 0 { j += 1 }
            if pendingSpace { bytes.append(0x20); pendingSpace = false }
            bytes.append(contentsOf: UnsafeBufferPointer(start: p + i, count: j - i))
            lineHasText = true
            i = j
        }
    }

    /// Appends `count` bytes of UTF-8 text (not NUL-terminated), copying runs of non-space bytes whole.
    mutating func append(_ p: UnsafePointer<UInt8>, count: Int) {
        var i = 0
        while i < count {
            let c = p[i]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C {
                pendingSpace = lineHasText
                i += 1
                continue
            }
            if c == 0xC2, i + 1 < count, p[i + 1] == 0xA0 {   // U+00A0 no-break space
                pendingSpace = lineHasText
                i += 2
                continue
            }
            var j = i + 1
            // Eight bytes at a time while none is whitespace-or-control (< 0x21) or 0xC2 (SWAR tests).
            let raw = UnsafeRawPointer(p)
            while j + 8 <= count {
                let w = raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                let low = (w &- ones &* 0x21) & ~w & highs
                let x = w ^ (ones &* 0xC2)
                let c2 = (x &- ones) & ~x & highs
                if low | c2 != 0 { break }
                j += 8
            }
            while j < count {
                let d = p[j]
                if d == 0x20 || d == 0x09 || d == 0x0A || d == 0x0D || d == 0x0C || (d == 0xC2 && j + 1 < count && p[j + 1] == 0xA0) { break }
                j += 1
            }
            if pendingSpace { bytes.append(0x20); pendingSpace = false }
            bytes.append(contentsOf: UnsafeBufferPointer(start: p + i, count: j - i))
            lineHasText = true
            i = j
        }
    }

    mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { buf in
            for c in buf {
                if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { pendingSpace = lineHasText; continue }
                if pendingSpace { bytes.append(0x20); pendingSpace = false }
                bytes.append(c)
                lineHasText = true
            }
        }
    }

    /// Empties the builder, keeping its storage.
    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        lineHasText = false
        pendingSpace = false
    }

    /// Ends the current line (if it has text).
    mutating func lineBreak() {
        if singleLine { pendingSpace = lineHasText; return }
        if lineHasText { bytes.append(0x0A) }
        lineHasText = false
        pendingSpace = false
    }

    var isEmpty: Bool { bytes.isEmpty }

    var text: String {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0A { end -= 1 }
        return String(decoding: bytes[0..<end], as: UTF8.self)
    }
}
