/// Tags in cs's canonical form: lowercase, with `_` and runs of whitespace turned into `-`,
/// so that `entra_id`, `Entra ID` and `entra-id` are one tag.
public enum Tag {
    public static func canonical(_ tag: String) -> String {
        if isCanonical(tag) { return tag }
        var out: [UInt8] = []
        out.reserveCapacity(tag.utf8.count)
        var pendingDash = false
        for c in tag.utf8 {
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") {
                pendingDash = !out.isEmpty
                continue
            }
            if pendingDash { out.append(UInt8(ascii: "-")); pendingDash = false }
            out.append(c >= 65 && c <= 90 ? c + 32 : c)
        }
        // Non-ASCII letters are lowercased by Swift's rules.
        let s = String(decoding: out, as: UTF8.self)
        return out.contains(where: { $0 >= 0x80 }) ? s.lowercased() : s
    }

    /// True when `canonical` would return the tag unchanged: lowercase ASCII without separators other
    /// than single inner dashes. Most feeds' tags are; they skip the copy.
    static func isCanonical(_ tag: String) -> Bool {
        var previous = UInt8(ascii: "-")   // a leading dash is not canonical
        for c in tag.utf8 {
            if c >= 0x80 || (c >= 65 && c <= 90) || c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == UInt8(ascii: "_") {
                return false
            }
            if c == UInt8(ascii: "-") && previous == UInt8(ascii: "-") { return false }
            previous = c
        }
        return previous != UInt8(ascii: "-") || tag.isEmpty
    }

    /// Canonical tags, in first-seen order, without duplicates or empties.
    public static func canonicalSet(_ tags: [String]) -> [String] {
        var out: [String] = []
        out.reserveCapacity(tags.count)
        // Items carry a handful of tags: a linear look beats hashing until there are many.
        var seen: Set<String>? = tags.count > 32 ? [] : nil
        for t in tags {
            let c = canonical(t)
            if c.isEmpty { continue }
            if seen != nil {
                if seen!.insert(c).inserted { out.append(c) }
            } else if !out.contains(c) {
                out.append(c)
            }
        }
        return out
    }
}
