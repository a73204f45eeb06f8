import CSCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// UTF-32 documents, which libxml2 2.9 does not detect on its own: recognized from the byte-order mark or
/// the first `<`, and turned into UTF-8 (invalid code points become U+FFFD). Rare enough that the
/// document is converted whole.
enum UTF32 {
    /// nil when the document is not UTF-32; else whether it is big-endian.
    static func detect(_ head: UnsafeRawBufferPointer) -> Bool? {
        guard head.count >= 4 else { return nil }
        let (a, b, c, d) = (head[0], head[1], head[2], head[3])
        if a == 0xFF && b == 0xFE && c == 0 && d == 0 { return false }
        if a == 0 && b == 0 && c == 0xFE && d == 0xFF { return true }
        if a == 0x3C && b == 0 && c == 0 && d == 0 { return false }
        if a == 0 && b == 0 && c == 0 && d == 0x3C { return true }
        return nil
    }

    static func toUTF8(_ d: UnsafeRawBufferPointer, bigEndian: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(d.count / 4 + 16)
        var i = 0
        while i + 4 <= d.count {
            let v: UInt32 = bigEndian
                ? UInt32(d[i]) << 24 | UInt32(d[i + 1]) << 16 | UInt32(d[i + 2]) << 8 | UInt32(d[i + 3])
                : UInt32(d[i + 3]) << 24 | UInt32(d[i + 2]) << 16 | UInt32(d[i + 1]) << 8 | UInt32(d[i])
            i += 4
            if i == 4 && v == 0xFEFF { continue }   // the byte-order mark
            let scalar = Unicode.Scalar(v) ?? "\u{FFFD}"
            out.append(contentsOf: UTF8.encode(scalar)!)
        }
        return relabel(out)
    }

    /// The XML declaration's encoding made "UTF-8", so that libxml2 does not switch back to UTF-32.
    private static func relabel(_ doc: [UInt8]) -> [UInt8] {
        guard doc.starts(with: Array("<?xml".utf8)), let end = doc.prefix(256).firstIndex(of: UInt8(ascii: ">")) else { return doc }
        let key = Array("encoding".utf8)
        guard let at = (0..<max(0, end - key.count)).first(where: { Array(doc[$0..<$0 + key.count]) == key }),
              let open = doc[(at + key.count)..<end].firstIndex(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }),
              let close = doc[(open + 1)..<end].firstIndex(of: doc[open]) else { return doc }
        var out = doc
        out.replaceSubrange((open + 1)..<close, with: Array("UTF-8".utf8))
        return out
    }

    /// Everything left on a descriptor after `prefix`.
    static func readRest(_ fd: Int32, after prefix: [UInt8]) -> [UInt8] {
        var all = prefix
        readToEnd(fd, appendingTo: &all)
        return all
    }
}
