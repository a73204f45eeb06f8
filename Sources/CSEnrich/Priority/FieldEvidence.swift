import CSCore

/// Severity evidence in a record's structured parts: categories (tags) that are ratings, rating brackets in
/// the title, and CVSS fields the feed carried through in `extensions`.
enum FieldEvidence {
    /// Tags that state a rating: exactly a rating word ("critical", "important"), or "severity-high",
    /// "high-severity", "severity:high". Other tags with rating words ("critical-infrastructure") are not.
    static func tag(_ tag: String, into e: inout PriorityEvidence) {
        var t = Substring(tag.lowercased())
        if t.hasPrefix("severity-") || t.hasPrefix("severity:") { t = t.dropFirst(9) }
        else if t.hasSuffix("-severity") { t = t.dropLast(9) }
        guard let s = ratingSeverity(t) else { return }
        e.add(RatingEvidence(rating: String(t), severity: s, via: "tag:" + tag))
    }

    /// Title forms of vendor ratings: "[Critical]", "(Important)", and a leading "Important:" as in
    /// "RHSA-2026:1234: Important: kernel security update". The word must be capitalized.
    static func title(_ title: String, into e: inout PriorityEvidence) {
        let chars = Array(title.utf8)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == UInt8(ascii: "[") || c == UInt8(ascii: "(") {
                let close: UInt8 = c == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: ")")
                if let (word, s, end) = capitalizedRating(chars, i + 1), end < chars.count, chars[end] == close {
                    e.add(RatingEvidence(rating: word, severity: s, via: "title:" + String(decoding: chars[i...end], as: UTF8.self)))
                }
            } else if i == 0 || (i >= 2 && chars[i - 1] == 0x20 && chars[i - 2] == UInt8(ascii: ":")) {
                if let (word, s, end) = capitalizedRating(chars, i), end < chars.count, chars[end] == UInt8(ascii: ":") {
                    e.add(RatingEvidence(rating: word, severity: s, via: "title:" + word + ":"))
                }
            }
            i += 1
        }
    }

    private static func capitalizedRating(_ b: [UInt8], _ i: Int) -> (String, Severity, Int)? {
        guard i < b.count, b[i] >= 65, b[i] <= 90 else { return nil }
        var end = i
        while end < b.count, EvidenceScanner.isAlpha(b[end]) { end += 1 }
        let word = String(decoding: b[i..<end], as: UTF8.self)
        guard let s = ratingSeverity(Substring(word.lowercased())) else { return nil }
        return (word, s, end)
    }

    static func ratingSeverity(_ word: Substring) -> Severity? {
        for (w, s) in EvidenceScanner.ratingWords where w.count == word.utf8.count && w.elementsEqual(word.utf8) { return s }
        return nil
    }

    /// `extensions` members (and members of objects in it, one level down) whose key names CVSS: a number is a
    /// written score, a string a vector or a score. Members whose key names a severity give a rating.
    static func extensions(_ ext: JSONRef, into e: inout PriorityEvidence, path: String = "extensions", depth: Int = 0) {
        ext.forEachMember { ks, ke, _, value in
            let key = String(decoding: UnsafeBufferPointer(start: ks, count: ke - ks), as: UTF8.self)
            let lower = key.lowercased()
            let via = "field:" + path + "." + key
            if value.isObject, depth == 0 {
                extensions(value, into: &e, path: path + "." + key, depth: 1)
            } else if lower.contains("cvss") {
                if let n = value.number { written(n, via: via, into: &e) }
                else if let s = value.string?.trimmingSpaces {
                    if s.hasPrefix("CVSS:") || s.hasPrefix("AV:") || s.hasPrefix("(AV:") {
                        do throws(CVSSError) {
                            let r = try CVSS.score(vector: s)
                            e.add(CVSSScore(version: r.version, vector: s, score: r.score, via: via))
                        } catch {
                            e.problems.append("\(path).\(key): malformed CVSS vector \"\(s.prefix(120))\": \(error.message)")
                        }
                    } else if let n = Double(s) {
                        written(n, via: via, into: &e)
                    }
                }
            } else if lower.contains("severity"), let s = value.string, let sev = ratingSeverity(Substring(s.trimmingSpaces.lowercased())) {
                e.add(RatingEvidence(rating: s.trimmingSpaces, severity: sev, via: via))
            }
            return true
        }
    }

    private static func written(_ n: Double, via: String, into e: inout PriorityEvidence) {
        guard n >= 0, n <= 10 else {
            e.problems.append("\(via.dropFirst(6)): CVSS score \(n) is out of range (0.0-10.0)")
            return
        }
        e.add(CVSSScore(version: nil, vector: nil, score: (n * 10).rounded() / 10, via: via))
    }
}
