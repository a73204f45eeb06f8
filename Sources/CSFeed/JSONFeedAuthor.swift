import CSCore

/// A JSON Feed author (1.1 `authors`, 1.0 `author`, of the feed or of an item): `name` and `url`. A
/// `mailto:` url is the author's email, as the spec allows and feedparser reads it; a relative url is
/// read against the item links' base. `avatar` is an image, no way to reach the author: the record's
/// authors have no place for it, so the member that holds one is also kept under `extensions`.
enum JSONFeedAuthor {
    static func make(name: String?, url: String?, base: String?) -> Author? {
        var author = Author(name: name, email: nil, url: nil)
        if let url = url?.trimmingSpaces, !url.isEmpty {
            if url.utf8.count > 7, url.prefix(7).lowercased() == "mailto:" { author.email = String(url.dropFirst(7)) }
            else { author.url = URLResolver.resolve(url, against: base) }
        }
        return author.isEmpty ? nil : author
    }

    /// The authors member that counts: 1.1's `authors` when it names anyone (an array, or one object
    /// written without the brackets), else 1.0's `author`.
    static func chosen(list: JSONRef?, single: JSONRef?) -> JSONRef? {
        if let list {
            var hasObject = list.isObject
            list.forEachElement { e in hasObject = hasObject || e.isObject; return !hasObject }
            if hasObject || single == nil { return list }
        }
        return single
    }

    /// True when some author in `value` has members the record does not model (an avatar).
    static func hasUnmodelledMembers(_ value: JSONRef) -> Bool {
        var found = false
        func check(_ a: JSONRef) {
            a.forEachMember { ks, ke, _, _ in
                let key = String(decoding: UnsafeBufferPointer(start: ks, count: ke - ks), as: UTF8.self)
                if key != "name", key != "url" { found = true }
                return !found
            }
        }
        if value.isObject { check(value) } else { value.forEachElement { check($0); return !found } }
        return found
    }
}
