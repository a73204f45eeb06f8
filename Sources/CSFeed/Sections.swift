import CSCore

/// The sections a detection engineer looks for in an advisory body.
struct Sections {
    var attackChain: [String] = []
    var impact: [String] = []
    var recommendations: [String] = []

    /// The record's `sections` object.
    func write(to w: JSONBytesWriter) {
        w.beginObject()
        w.key("attack_chain"); w.strings(attackChain)
        w.key("impact"); w.string(impact.isEmpty ? nil : impact.joined(separator: "\n"))
        w.key("recommendations"); w.strings(recommendations)
        w.endObject()
    }
}

/// Which section a heading opens.
enum SectionKind {
    case attackChain, impact, recommendations, other

    /// Classifies heading text (and the heading's id) tolerantly: case, punctuation, "-" and "_" do not matter.
    static func classify(_ heading: String) -> SectionKind {
        var heading = heading
        return heading.withUTF8 { utf8 in
            // The letters, lowercased, with one space between words, in a buffer on the stack.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: utf8.count + 1) { buffer in
                var n = 0
                var space = false
                for c in utf8 {
                    let lower = c >= 65 && c <= 90 ? c + 32 : c
                    if lower >= 97 && lower <= 122 {
                        if space && n > 0 { buffer[n] = 0x20; n += 1 }
                        space = false
                        buffer[n] = lower
                        n += 1
                    } else { space = true }
                }
                return classify(words: UnsafeBufferPointer(rebasing: buffer[0..<n]))
            }
        }
    }

    private static func classify(words: UnsafeBufferPointer<UInt8>) -> SectionKind {
        if words.isEmpty { return .other }
        func has(_ s: StaticString) -> Bool { firstOffset(of: s, in: words) != nil }
        func starts(_ s: StaticString) -> Bool {
            let n = s.utf8CodeUnitCount
            return words.count >= n && firstOffset(of: s, in: UnsafeBufferPointer(rebasing: words[0..<n])) == 0
        }
        func ends(_ s: StaticString) -> Bool {
            let n = s.utf8CodeUnitCount
            return words.count >= n && firstOffset(of: s, in: words[(words.count - n)...]) != nil
        }
        if has("attack chain") || has("kill chain") || starts("attack flow") || starts("attack sequence")
            || starts("attack steps") { return .attackChain }
        if starts("impact") || ends(" impact") { return .impact }
        if starts("recommend") || ends("recommendations") || ends("recommendation")
            || starts("mitigation") || starts("remediation") { return .recommendations }
        return .other
    }
}

/// Where `needle` first occurs in `hay` (an offset from its start), or nil.
func firstOffset<C: Collection>(of needle: StaticString, in hay: C) -> Int? where C.Element == UInt8, C.Index == Int {
    let n = needle.utf8CodeUnitCount
    let p = needle.utf8Start
    guard hay.count >= n else { return nil }
    var i = hay.startIndex
    while i + n <= hay.endIndex {
        var k = 0
        while k < n && hay[i + k] == p[k] { k += 1 }
        if k == n { return i - hay.startIndex }
        i += 1
    }
    return nil
}
