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

    mutating func append(_ p: UnsafePointer<UInt8>) {
        var i = 0
        while true {
            let c = p[i]
            if c == 0 { return }
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C {
                pendingSpace = lineHasText
            } else if c == 0xC2, p[i + 1] == 0xA0 {   // U+00A0 no-break space
                pendingSpace = lineHasText
                i += 1
            } else {
                if pendingSpace { bytes.append(0x20); pendingSpace = false }
                bytes.append(c)
                lineHasText = true
            }
            i += 1
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
