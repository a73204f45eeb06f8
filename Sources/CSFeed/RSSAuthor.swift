import CSCore

/// RSS `<author>` is an email address, often with the name in parentheses (`jo@example.org (Jo Doe)`);
/// feeds also write `Jo Doe <jo@example.org>` or just a name.
enum RSSAuthor {
    static func parse(_ raw: String) -> Author? {
        let text = raw.trimmingSpaces
        if text.isEmpty { return nil }
        let chars = Array(text)
        if let open = chars.firstIndex(of: "("), let close = chars.lastIndex(of: ")"), open < close {
            var email = String(chars[..<open]).trimmingSpaces
            var name = String(chars[(open + 1)..<close]).trimmingSpaces
            // "Name (email)" is written too.
            if !email.contains("@"), name.contains("@"), !name.contains(" ") { swap(&email, &name) }
            return Author(name: name.isEmpty ? nil : name, email: email.contains("@") ? email : nil,
                          url: nil).orName(email)
        }
        // `Name <a@b>`; angle brackets around no address are markup (`<p>Name</p>`), not an email.
        if let open = chars.firstIndex(of: "<"), let close = chars.lastIndex(of: ">"), open < close,
           chars[(open + 1)..<close].contains("@") {
            let name = String(chars[..<open]).trimmingSpaces
            let email = String(chars[(open + 1)..<close]).trimmingSpaces
            return Author(name: name.isEmpty ? nil : name, email: email.isEmpty ? nil : email)
        }
        if text.contains("@"), !text.contains(" ") { return Author(name: nil, email: text) }
        return Author(name: text)
    }
}

extension Author {
    init(name: String?, email: String? = nil) { self.init(name: name, email: email, url: nil) }

    /// When the part before the parentheses is not an email, it is part of the name.
    fileprivate func orName(_ before: String) -> Author {
        if email != nil || before.isEmpty { return self }
        return Author(name: [before, name].compactMap { $0 }.joined(separator: " "), email: nil, url: nil)
    }
}
