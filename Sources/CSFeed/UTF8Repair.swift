/// Invalid UTF-8 replaced by U+FFFD, for JSON Feed documents (in memory, or chunk by chunk as they are
/// read): the item validator refuses a single bad byte, and one stray Latin-1 byte should not cost a
/// whole feed.
enum UTF8Repair {
    /// The repaired bytes and how many invalid bytes were replaced; nil when the input is valid.
    static func repaired(_ d: UnsafeRawBufferPointer) -> (bytes: [UInt8], replaced: Int)? {
        var i = 0
        var out: [UInt8] = []
        var copied = 0
        var replaced = 0
        let highs: UInt64 = 0x8080_8080_8080_8080
        while i < d.count {
            while i + 8 <= d.count, d.baseAddress!.loadUnaligned(fromByteOffset: i, as: UInt64.self) & highs == 0 { i += 8 }
            guard i < d.count else { break }
            if d[i] < 0x80 { i += 1; continue }
            let len = XMLRepair.utf8SequenceLength(d, at: i)
            if len > 0 { i += len; continue }
            if replaced == 0 { out.reserveCapacity(d.count + 64) }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[copied..<i]))
            out.append(contentsOf: [0xEF, 0xBF, 0xBD])
            replaced += 1
            i += 1
            copied = i
        }
        guard replaced > 0 else { return nil }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[copied...]))
        return (out, replaced)
    }
}
