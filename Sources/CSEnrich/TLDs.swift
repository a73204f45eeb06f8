/// Top-level domains a bare name in text must end with to count as a domain indicator. A compact list
/// of real, commonly seen TLDs, leaving out those that collide with file extensions analysts write
/// ("script.py", "run.sh", "README.md", "lib.so", "main.rs", "x.cc", "a.zip", "clip.mov", "build.mk") or
/// with field names in queries ("user.id", "host.name").
/// Hosts inside URLs are taken whatever their TLD.
enum TLDs {
    static func contains(_ label: UnsafeBufferPointer<UInt8>) -> Bool {
        var h: UInt64 = 0
        for c in label {
            guard c >= 97 && c <= 122 else { return false }
            h = h << 5 | UInt64(c - 96)
        }
        return label.count <= 12 && packed.contains(h)
    }

    /// Each TLD packed as 5 bits per letter: cheap to compare, no allocation per candidate.
    private static let packed: Set<UInt64> = Set(list.map { s in s.utf8.reduce(0) { $0 << 5 | UInt64($1 - 96) } })

    static let list = [
        // generic TLDs common in infrastructure reports (not words that end field names and method calls
        // in query snippets: "host.name", "user.id", "match.group", "element.click" are not domains)
        "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "mobi", "asia", "xyz", "top", "site",
        "online", "club", "shop", "store", "tech", "live", "cloud", "app", "dev", "icu", "vip", "win", "bid",
        "loan", "buzz", "fun", "sbs", "cfd", "lol", "monster", "rest", "bar", "cyou", "quest", "pw",
        // country codes
        "ac", "ae", "af", "ag", "al", "am", "ao", "ar", "at", "au", "az", "ba", "bd", "be", "bg", "bh", "br", "by",
        "ca", "ch", "cl", "cn", "co", "cz", "de", "dk", "ee", "eg", "es", "eu", "fi", "fr", "ge", "gg", "gr", "hk",
        "hr", "hu", "ie", "il", "in", "io", "iq", "ir", "is", "it", "jp", "ke", "kg", "kp", "kr", "kz", "la",
        "lb", "li", "lk", "lt", "lu", "lv", "ly", "ma", "me", "mn", "mx", "my", "ng", "nl", "no", "np", "nu", "nz",
        "om", "pe", "ph", "pk", "pt", "qa", "ro", "ru", "sa", "se", "sg", "si", "sk", "su", "sy", "th", "tj", "tk",
        "tm", "tn", "to", "tr", "tv", "tw", "ua", "ug", "uk", "us", "uz", "ve", "vn", "ws", "za",
    ]
}
