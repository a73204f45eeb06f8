/// STIX 2.1 patterning for cs's indicator types. Values are feed content: inside a pattern's string
/// literal a quote or backslash would end or bend it, so both are backslash-escaped (STIX 2.1
/// section 9.4: `\'` and `\\` are the only escapes in a string constant).
enum STIXPattern {
    static func pattern(_ indicator: ExchangeAdvisory.Indicator) -> String {
        let value = literal(indicator.value)
        switch indicator.kind {
        case .ipv4: return "[ipv4-addr:value = \(value)]"
        case .ipv6: return "[ipv6-addr:value = \(value)]"
        case .domain: return "[domain-name:value = \(value)]"
        case .url: return "[url:value = \(value)]"
        case .md5: return "[file:hashes.MD5 = \(value)]"
        case .sha1: return "[file:hashes.'SHA-1' = \(value)]"
        case .sha256: return "[file:hashes.'SHA-256' = \(value)]"
        }
    }

    /// `'text'` with `'` and `\` escaped.
    static func literal(_ text: String) -> String {
        var out = "'"
        for ch in text.unicodeScalars {
            if ch == "'" || ch == "\\" { out += "\\" }
            out.unicodeScalars.append(ch)
        }
        return out + "'"
    }
}
