/// Tags in cs's canonical form: lowercase, with `_` and runs of whitespace turned into `-`,
/// so that `entra_id`, `Entra ID` and `entra-id` are one tag.
public enum Tag {
    public static func canonical(_ tag: String) -> String {
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

    /// Canonical tags, in first-seen order, without duplicates or empties.
    public static func canonicalSet(_ tags: [String]) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for t in tags {
            let c = canonical(t)
            if !c.isEmpty, seen.insert(c).inserted { out.append(c) }
        }
        return out
    }
}
