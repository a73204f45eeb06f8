internal import CLibXML2

/// Relative references resolved with libxml2's RFC 3986 resolver (xmlBuildURI).
enum URLResolver {
    /// `reference` resolved against `base`; unchanged when there is no base, it is already absolute,
    /// or either side cannot be parsed. The base is only worked out (xmlNodeGetBase walks the ancestors
    /// and allocates) once the quick look has found the reference relative, as few links are.
    static func resolve(_ reference: String, against base: @autoclosure () -> String?) -> String {
        let ref = reference.trimmingSpaces
        guard !ref.isEmpty, !isAbsolute(ref), let base = base(), !base.isEmpty else { return ref }
        guard let built = xmlBuildURI(ref, base) else { return ref }
        defer { cs_xml_free(built) }
        return String(cString: built)
    }

    /// An absolute http or https URL (scheme in any case): an id or guid that can serve as the item's link.
    static func isWebURL(_ s: String) -> Bool {
        let head = s.utf8.prefix(8).map { $0 | 0x20 }   // ASCII letters lowercased; ':' and '/' unchanged
        return head.starts(with: "http://".utf8) || head.starts(with: "https://".utf8)
    }

    /// Has a scheme (`https:`, `mailto:`...): nothing to resolve.
    static func isAbsolute(_ s: String) -> Bool {
        var first = true
        for c in s.utf8 {
            if c == UInt8(ascii: ":") { return !first }
            let alpha = (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
            let other = (c >= 48 && c <= 57) || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
            if !(alpha || (!first && other)) { return false }
            first = false
        }
        return false
    }
}
