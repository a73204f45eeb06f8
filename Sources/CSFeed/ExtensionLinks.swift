import CSCore

/// Links kept under `extensions` (an RSS `enclosure`'s url, the href of an Atom or `atom:link` that is
/// not the item's link) made absolute like the item's own link; everything else stays as written.
enum ExtensionLinks {
    static func value(_ e: XMLElement, budget: inout Int) throws(ItemTextBudgetExceeded) -> JSON {
        let value = try e.extensionValue(budget: &budget)
        guard value.kind == .object, let key = linkKey(e.localName), let written = value[key]?.stringValue else { return value }
        let resolved = URLResolver.resolve(written, against: e.baseURL)   // the base only when it is relative
        if resolved != written.trimmingSpaces { value.set(key, .string(resolved)) }
        return value
    }

    private static func linkKey(_ localName: String) -> String? {
        switch localName {
        case "enclosure": return "@url"
        case "link": return "@href"
        default: return nil
        }
    }
}
