import CSCore

/// Links kept under `extensions` (an RSS `enclosure`'s url, the href of an Atom or `atom:link` that is
/// not the item's link, the url of a Media RSS `media:content`, `media:thumbnail` or `media:player`, also
/// inside a `media:group`) made absolute like the item's own link; everything else stays as written.
enum ExtensionLinks {
    static func value(_ e: XMLElement, budget: inout Int) throws(ItemTextBudgetExceeded) -> JSON {
        let value = try e.extensionValue(budget: &budget)
        if value.kind == .object { resolve(e, value, localName: e.localName) }
        return value
    }

    /// Resolves the link attribute of `e`'s value in place; a media:group's members in turn.
    private static func resolve(_ e: XMLElement, _ value: JSON, localName: String) {
        if localName == "group" {
            guard e.namespace == XMLNamespace.media else { return }
            var seen: [String: Int] = [:]   // a repeated member is an array under its name, in document order
            for child in e.children {
                let name = child.qualifiedName
                let n = seen[name, default: 0]
                seen[name] = n + 1
                guard let member = value[name], let one = member.kind == .array ? member[n] : member, one.kind == .object else { continue }
                resolve(child, one, localName: child.localName)
            }
            return
        }
        guard let key = linkKey(e, localName: localName), let written = value[key]?.stringValue else { return }
        let resolved = URLResolver.resolve(written, against: e.baseURL)   // the base only when it is relative
        if resolved != written.trimmingSpaces { value.set(key, .string(resolved)) }
    }

    private static func linkKey(_ e: XMLElement, localName: String) -> String? {
        switch localName {
        case "enclosure": return "@url"
        case "link": return "@href"
        case "content", "thumbnail", "player": return e.namespace == XMLNamespace.media ? "@url" : nil
        default: return nil
        }
    }
}
