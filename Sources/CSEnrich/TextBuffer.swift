#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// The text a record is matched against (title, summary, content_text), decoded from the JSON string
/// bytes into one reusable buffer, with defanged indicators refanged ("hxxp" -> "http", "[.]" and
/// "(.)" -> ".", "[:]" -> ":"), so every later pass sees plain text.
struct TextBuffer {
    private(set) var bytes: [UInt8] = []
    /// Where `refang` rewrote a defanged form (offsets into `bytes`, ascending): an indicator written
    /// defanged was marked as one by its author, so no host rule drops it (see HostPolicy).
    private(set) var defanged: [Int32] = []

    init() { bytes.reserveCapacity(64 << 10) }

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        defanged.removeAll(keepingCapacity: true)
    }

    mutating func withMutableBytes<R>(_ body: (UnsafeMutableBufferPointer<UInt8>) -> R) -> R {
        bytes.withUnsafeMutableBufferPointer { body($0) }
    }

    /// How much text of one record is matched: advisories are a few kilobytes; the cap keeps memory
    /// bounded (tokens take about 12 bytes per text byte) when a record carries a whole book.
    static let limit = 1 << 20

    /// Appends a JSON string value (decoded) and a line break; other values are ignored.
    mutating func append(_ ref: JSONRef?) {
        guard let ref, let (content, hasEscape) = ref.stringContent, content.count > 0, bytes.count < Self.limit else { return }
        if !bytes.isEmpty { bytes.append(0x0A) }
        if hasEscape { JSONRef.appendDecoded(content: content, to: &bytes) } else { bytes.append(contentsOf: content) }
        if bytes.count > Self.limit { bytes.removeSubrange(Self.limit...) }
    }

    /// Appends a JSON string value that may be HTML (`summary`): as `append`, then with its markup
    /// taken out when it has tags (see MarkupText).
    mutating func appendMarkup(_ ref: JSONRef?) {
        let start = bytes.count
        append(ref)
        guard bytes.count > start else { return }
        let hasTag = bytes.withUnsafeBufferPointer { MarkupText.hasTag(UnsafeBufferPointer(rebasing: $0[start...])) }
        guard hasTag else { return }
        let kept = bytes.withUnsafeMutableBufferPointer { start + MarkupText.strip(UnsafeMutableBufferPointer(rebasing: $0[start...])) }
        bytes.removeSubrange(kept...)
    }

    mutating func append(_ s: String) {
        if !bytes.isEmpty { bytes.append(0x0A) }
        bytes.append(contentsOf: s.utf8)
    }

    // MARK: refanging

    /// Rewrites defanged forms in place. Cheap when there is nothing to do: one pass that looks for the
    /// bytes that start a defanged form.
    mutating func refang() {
        guard needsRefang() else { return }
        var marks = defanged
        let kept = bytes.withUnsafeMutableBufferPointer { b -> Int in
            let n = b.count
            var r = 0, w = 0
            @inline(__always) func at(_ k: Int) -> UInt8 { k < n ? b[k] : 0 }
            @inline(__always) func lower(_ k: Int) -> UInt8 { at(k) | 0x20 }
            while r < n {
                let c = b[r]
                // [.] (.) {.} [dot] (dot) -> .    [:] -> :    [://] -> ://    [/] -> /
                if c == UInt8(ascii: "[") || c == UInt8(ascii: "(") || c == UInt8(ascii: "{") {
                    let close: UInt8 = c == UInt8(ascii: "[") ? UInt8(ascii: "]") : (c == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "}"))
                    let x = at(r + 1)
                    if (x == UInt8(ascii: ".") || x == UInt8(ascii: ":") || x == UInt8(ascii: "/")) && at(r + 2) == close,
                       r > 0, Self.isHostByte(b[r - 1]) || x == UInt8(ascii: ":") {
                        marks.append(Int32(w))
                        b[w] = x; w += 1; r += 3; continue
                    }
                    if lower(r + 1) == UInt8(ascii: "d"), lower(r + 2) == UInt8(ascii: "o"), lower(r + 3) == UInt8(ascii: "t"),
                       at(r + 4) == close, r > 0, Self.isHostByte(b[r - 1]) {
                        marks.append(Int32(w))
                        b[w] = UInt8(ascii: "."); w += 1; r += 5; continue
                    }
                    if x == UInt8(ascii: ":"), at(r + 2) == UInt8(ascii: "/"), at(r + 3) == UInt8(ascii: "/"), at(r + 4) == close {
                        marks.append(Int32(w))
                        b[w] = x; b[w + 1] = UInt8(ascii: "/"); b[w + 2] = UInt8(ascii: "/"); w += 3; r += 5; continue
                    }
                }
                // hxxp, hXXp, hxxps -> http(s), at a word start.
                if c | 0x20 == UInt8(ascii: "h"), lower(r + 1) == UInt8(ascii: "x"), lower(r + 2) == UInt8(ascii: "x"),
                   lower(r + 3) == UInt8(ascii: "p"), r == 0 || !Tokenizer.isWordByte(b[r - 1]) {
                    marks.append(Int32(w))
                    b[w] = UInt8(ascii: "h"); b[w + 1] = UInt8(ascii: "t"); b[w + 2] = UInt8(ascii: "t"); b[w + 3] = UInt8(ascii: "p")
                    w += 4; r += 4; continue
                }
                b[w] = c; w += 1; r += 1
            }
            return w
        }
        bytes.removeSubrange(kept...)
        defanged = marks
    }

    /// A defanged form is somewhere: "[.", "(.", "{.", "[:", "[/", "[dot", "(dot", or "hxx".
    /// memchr per opening byte: these bytes are rare in prose, so this costs little.
    private func needsRefang() -> Bool {
        bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress, b.count >= 3 else { return false }
            let n = b.count
            for open in [UInt8(ascii: "["), UInt8(ascii: "("), UInt8(ascii: "{"), UInt8(ascii: "x"), UInt8(ascii: "X")] {
                var i = 0
                while i < n - 2, let p = memchr(base + i, Int32(open), n - 2 - i) {
                    let k = base.distance(to: p.assumingMemoryBound(to: UInt8.self))
                    let x = b[k + 1]
                    if open | 0x20 == UInt8(ascii: "x") {
                        if x | 0x20 == UInt8(ascii: "x"), k > 0, b[k - 1] | 0x20 == UInt8(ascii: "h") { return true }
                    } else if x == UInt8(ascii: ".") || x == UInt8(ascii: ":") || x == UInt8(ascii: "/") {
                        return true
                    } else if x | 0x20 == UInt8(ascii: "d"), k + 3 < n, b[k + 2] | 0x20 == UInt8(ascii: "o"), b[k + 3] | 0x20 == UInt8(ascii: "t") {
                        return true
                    }
                    i = k + 1
                }
            }
            return false
        }
    }

    @inline(__always) static func isHostByte(_ c: UInt8) -> Bool {
        Tokenizer.isWordByte(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
    }
}
