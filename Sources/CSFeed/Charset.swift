/// The charset parameter of an HTTP Content-Type, lowercased and unquoted.
enum Charset {
    static func from(contentType: String?) -> String? {
        guard let contentType else { return nil }
        for part in contentType.split(separator: ";").dropFirst() {
            let kv = part.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingCharacters().lowercased() == "charset" else { continue }
            var value = kv[1].trimmingCharacters()
            if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty ? nil : value.lowercased()
        }
        return nil
    }

    /// True for the names of UTF-8.
    static func isUTF8(_ name: String?) -> Bool {
        guard let name else { return true }
        return name == "utf-8" || name == "utf8"
    }

    /// True for the names of US-ASCII. Documents so labelled are read as UTF-8, its superset: many are
    /// UTF-8 in fact, and a byte that is not becomes U+FFFD instead of stopping the parse.
    static func isASCII(_ name: String) -> Bool {
        name == "us-ascii" || name == "ascii" || name == "ansi_x3.4-1968" || name == "iso646-us"
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        String(self).trimmedOfBlanks
    }
}

extension String {
    fileprivate var trimmedOfBlanks: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
