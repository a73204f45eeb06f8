/// Builds readable plain text from pieces of markup text: runs of whitespace (including no-break
/// spaces) become one space, line breaks are only ever single, and no line starts or ends with a space.
struct TextBuilder {
    /// The text is `storage[0..<count]`; the rest is room to write into without growing the array on
    /// every piece (the item HTML pass spends most of its time appending).
    private var storage: [UInt8]
    private(set) var count = 0
    private var lineHasText = false
    private var pendingSpace = false
    /// Joins what would be separate lines with spaces (for one list item or one heading).
    let singleLine: Bool

    init(singleLine: Bool = false, capacity: Int = 256) {
        self.singleLine = singleLine
        storage = [UInt8](repeating: 0, count: capacity)
    }

    /// Makes room for `extra` more bytes after `count`.
    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > storage.count { grow(count + extra) }
    }

    private mutating func grow(_ needed: Int) {
        storage.append(contentsOf: repeatElement(0, count: max(needed, storage.count * 2, 64) - storage.count))
    }

    @inline(__always)
    private mutating func put(_ c: UInt8) {
        reserve(1)
        storage[count] = c
        count += 1
    }

    /// Appends `count` bytes of UTF-8 text (not NUL-terminated), at most `count + 1` bytes (one space
    /// may be pending from before), eight at a time inside words.
    mutating func append(_ p: UnsafePointer<UInt8>, count: Int) {
        if count <= 0 { return }
        reserve(count + 1)
        let old = self.count
        var pending = pendingSpace, hasText = lineHasText
        let written = storage.withUnsafeMutableBufferPointer { buf -> Int in
            let out = buf.baseAddress! + old
            var o = 0, i = 0
            let raw = UnsafeRawPointer(p)
            @inline(__always) func isSpace(_ c: UInt8) -> Bool { c <= 0x20 && (UInt64(0x1_0000_3600) >> UInt64(c)) & 1 != 0 }
            @inline(__always) func isNoBreakSpace(_ k: Int) -> Bool { p[k] == 0xC2 && k + 1 < count && p[k + 1] == 0xA0 }
            while i < count {
                let c = p[i]
                if isSpace(c) { pending = hasText; i += 1; continue }
                if isNoBreakSpace(i) { pending = hasText; i += 2; continue }
                if pending { out[o] = 0x20; o += 1; pending = false }
                hasText = true
                out[o] = c
                o += 1
                i += 1
                // The rest of the text, eight bytes at a time while they can be copied as they are: no
                // byte below 0x21 or 0xC2, except single spaces between two such bytes (kept as they are).
                // The bytes before the first other one are copied; it is then handled one byte at a time.
                // (p[i - 1] is never whitespace here, or a single space followed by such a byte.)
                while i + 8 <= count {
                    let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    UnsafeMutableRawPointer(out + o).storeBytes(of: w, as: UInt64.self)
                    let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                    let low7 = w & ~highs
                    let below21 = ~((low7 &+ ones &* 0x5F) | w) & highs       // exact per byte: no carries
                    let xc2 = w ^ (ones &* 0xC2), x20 = w ^ (ones &* 0x20)
                    let isC2 = ~(((xc2 & ~highs) &+ ~highs) | xc2) & highs
                    let is20 = ~(((x20 & ~highs) &+ ~highs) | x20) & highs
                    let special = below21 | isC2
                    let next: UInt8 = i + 8 < count ? p[i + 8] : 0
                    let nextSpecial: UInt64 = next < 0x21 || next == 0xC2 ? 0x80 << 56 : 0
                    let single = is20 & ~(special << 8) & ~((special >> 8) | nextSpecial)
                    let stop = special & ~single
                    if stop == 0 { i += 8; o += 8; continue }
                    let k = stop.trailingZeroBitCount >> 3
                    i += k
                    o += k
                    let d = p[i]
                    if isSpace(d) || isNoBreakSpace(i) { break }
                    out[o] = d
                    o += 1
                    i += 1
                }
                while i < count {
                    let d = p[i]
                    if isSpace(d) || isNoBreakSpace(i) { break }
                    out[o] = d
                    o += 1
                    i += 1
                }
            }
            return o
        }
        pendingSpace = pending
        lineHasText = hasText
        self.count = old + written
    }

    mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { buf in
            for c in buf {
                if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { pendingSpace = lineHasText; continue }
                if pendingSpace { put(0x20); pendingSpace = false }
                put(c)
                lineHasText = true
            }
        }
    }

    /// Empties the builder, keeping its storage.
    mutating func reset() {
        count = 0
        lineHasText = false
        pendingSpace = false
    }

    /// Ends the current line (if it has text).
    mutating func lineBreak() {
        if singleLine { pendingSpace = lineHasText; return }
        if lineHasText { put(0x0A) }
        lineHasText = false
        pendingSpace = false
    }

    var isEmpty: Bool { count == 0 }

    var text: String {
        var end = count
        while end > 0, storage[end - 1] == 0x0A { end -= 1 }
        return String(decoding: storage[0..<end], as: UTF8.self)
    }
}
