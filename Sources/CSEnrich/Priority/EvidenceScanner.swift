import CSCore

/// Finds severity evidence in an item's text: CVSS vectors ("CVSS:3.1/AV:N/…", v2 "AV:N/AC:L/Au:N/…"), written
/// scores ("CVSS 9.8", "CVSSv3 base score: 7.5", "CVSS:3.1 base score 8.8") and vendor ratings
/// ("severity: critical", "high-severity", "Maximum Severity Rating: Important").
///
/// Strict about context: a rating word counts only next to "severity" (before or after it); "critical
/// infrastructure" or "a high number" are not ratings. Titles and categories have their own forms
/// (TitleRatings.swift).
enum EvidenceScanner {
    static func scan(_ b: UnsafeBufferPointer<UInt8>, via: String, into e: inout PriorityEvidence) {
        let n = b.count
        var i = 0
        while i < n {
            let c = b[i] | 0x20
            if c == UInt8(ascii: "c"), i + 4 <= n, isCVSS(b, i), startsWord(b, i) {
                i = cvss(b, i, via: via, into: &e)
                continue
            }
            if b[i] == UInt8(ascii: "A"), i + 3 <= n, b[i + 1] == UInt8(ascii: "V"), b[i + 2] == UInt8(ascii: ":"),
               i == 0 || !(isAlnum(b[i - 1]) || b[i - 1] == UInt8(ascii: "/") || b[i - 1] == UInt8(ascii: ":")) {
                i = version2(b, i, via: via, into: &e)
                continue
            }
            if c == UInt8(ascii: "s"), word(b, i, "severity"), startsWord(b, i), !isAlnum(at(b, i + 8)) {
                severity(b, i, via: via, into: &e)
                i += 8
                continue
            }
            i += 1
        }
    }

    // MARK: CVSS

    private static func isCVSS(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        b[i + 1] | 0x20 == UInt8(ascii: "v") && b[i + 2] | 0x20 == UInt8(ascii: "s") && b[i + 3] | 0x20 == UInt8(ascii: "s")
    }

    /// At "CVSS": a vector, or a written score with an optional version. Returns where scanning goes on.
    private static func cvss(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, via: String, into e: inout PriorityEvidence) -> Int {
        var i = start + 4
        // "CVSS:3.1/AV:…": a vector.
        if at(b, i) == UInt8(ascii: ":"), isDigit(at(b, i + 1)) {
            var k = i + 1
            while k < b.count, isDigit(b[k]) || b[k] == UInt8(ascii: ".") { k += 1 }
            if at(b, k) == UInt8(ascii: "/") {
                let end = vectorEnd(b, start)
                let vector = String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
                do throws(CVSSError) {
                    let r = try CVSS.score(vector: vector)
                    e.add(CVSSScore(version: r.version, vector: vector, score: r.score, via: via))
                    // A score written after the vector must agree with it.
                    if let written = writtenScore(b, end), abs(written.value - r.score) > 0.05 {
                        e.problems.append("CVSS vector \(vector) scores \(CVSSScore.format(r.score)), but the text gives \(number(written.value)); the vector's score is used")
                    }
                } catch {
                    e.problems.append("malformed CVSS vector \"\(vector.prefix(120))\": \(error.message)")
                }
                return end
            }
        }
        // "CVSS 9.8", "CVSSv3.1 base score: 7.5", "CVSS:3.1 … 8.8"
        var version: String? = nil
        var explicitVersion = false
        if at(b, i) | 0x20 == UInt8(ascii: "v"), isDigit(at(b, i + 1)) { i += 1; explicitVersion = true }
        else if at(b, i) == UInt8(ascii: ":"), isDigit(at(b, i + 1)) { i += 1; explicitVersion = true }
        else if at(b, i) == 0x20, at(b, i + 1) | 0x20 == UInt8(ascii: "v"), isDigit(at(b, i + 2)) { i += 2; explicitVersion = true }
        if explicitVersion {
            guard let (v, next) = readNumber(b, i), isVersion(v) else { return i }
            version = phrase(b, i, next)
            i = next
        }
        guard let first = writtenScore(b, i) else { return i }
        var score = first.value
        var end = first.end
        // A version-like number right after "CVSS" ("CVSS 3.1", "CVSS 4.0") is a version, never a score;
        // a score may follow it ("CVSS 3.1 base score 9.8").
        if !explicitVersion, first.fillers == 0, isVersion(first.value) {
            guard let second = writtenScore(b, first.end) else { return first.end }
            version = phrase(b, first.start, first.end)
            score = second.value
            end = second.end
        }
        guard score >= 0, score <= 10 else {
            e.problems.append("CVSS score \(number(score)) is out of range (0.0-10.0)")
            return end
        }
        let written = phrase(b, start, end)
        e.add(CVSSScore(version: version, vector: nil, score: score, via: via + ":" + written))
        return end
    }

    /// The versions CVSS has had: 2, 2.0, 3, 3.0, 3.1, 4, 4.0.
    private static func isVersion(_ v: Double) -> Bool {
        let tenths = Int((v * 10).rounded())
        return tenths == 20 || tenths == 30 || tenths == 31 || tenths == 40
    }

    /// A score after optional filler ("base score", "score of", ":", "=", "(", "is"): the number, where it
    /// starts and ends, and how many filler words came before it.
    private static func writtenScore(_ b: UnsafeBufferPointer<UInt8>, _ from: Int) -> (value: Double, start: Int, end: Int, fillers: Int)? {
        var i = from
        var words = 0
        while i < b.count {
            let c = b[i]
            if c == 0x20 || c == UInt8(ascii: ":") || c == UInt8(ascii: "=") || c == UInt8(ascii: "(") || c == UInt8(ascii: "-") {
                i += 1
                continue
            }
            if isAlpha(c) {
                guard words < 3 else { return nil }
                var k = i
                while k < b.count, isAlpha(b[k]) { k += 1 }
                guard isFiller(b, i, k) else { return nil }
                words += 1
                i = k
                continue
            }
            break
        }
        guard let (v, end) = readNumber(b, i) else { return nil }
        // "9.8/10" is still 9.8; "98%" and "10,000" are not scores.
        if at(b, end) == UInt8(ascii: "%") || (at(b, end) == UInt8(ascii: ",") && isDigit(at(b, end + 1))) { return nil }
        return (v, i, end, words)
    }

    private static let fillers: [[UInt8]] = ["base", "score", "scores", "rating", "of", "is", "severity", "v", "overall"].map { Array($0.utf8) }

    private static func isFiller(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        fillers.contains { f in
            f.count == e - s && f.indices.allSatisfy { b[s + $0] | 0x20 == f[$0] }
        }
    }

    /// "9", "9.8", "10.0": at most two integer digits and one decimal. nil for "3.1.2" or "123".
    private static func readNumber(_ b: UnsafeBufferPointer<UInt8>, _ from: Int) -> (Double, Int)? {
        var i = from
        var intPart = 0, digits = 0
        while i < b.count, isDigit(b[i]) { intPart = intPart * 10 + Int(b[i] - 48); digits += 1; i += 1; if digits > 3 { return nil } }
        guard digits > 0 else { return nil }
        var value = Double(intPart)
        if at(b, i) == UInt8(ascii: "."), isDigit(at(b, i + 1)) {
            value += Double(b[i + 1] - 48) / 10
            i += 2
            if isDigit(at(b, i)) || (at(b, i) == UInt8(ascii: ".") && isDigit(at(b, i + 1))) { return nil }
        }
        if isAlnum(at(b, i)) { return nil }
        return (value, i)
    }

    /// The end of a vector: letters, digits, ':', '/', '.'; a final '.' or '/' ends a sentence, not the vector.
    private static func vectorEnd(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var k = start
        while k < b.count, isAlnum(b[k]) || b[k] == UInt8(ascii: ":") || b[k] == UInt8(ascii: "/") || b[k] == UInt8(ascii: ".") { k += 1 }
        while k > start, b[k - 1] == UInt8(ascii: ".") || b[k - 1] == UInt8(ascii: "/") { k -= 1 }
        return k
    }

    /// At "AV:": a v2 vector when it has v2's "Au" metric; other runs of metrics are not evidence.
    private static func version2(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, via: String, into e: inout PriorityEvidence) -> Int {
        let end = vectorEnd(b, start)
        let run = UnsafeBufferPointer(rebasing: b[start..<end])
        guard ByteSearch.find(Array("/Au:".utf8), in: run, from: 0, limit: run.count) != nil else { return end }
        let vector = String(decoding: run, as: UTF8.self)
        do throws(CVSSError) {
            let r = try CVSS.score(vector: vector)
            e.add(CVSSScore(version: r.version, vector: vector, score: r.score, via: via))
        } catch {
            e.problems.append("malformed CVSS v2 vector \"\(vector.prefix(120))\": \(error.message)")
        }
        return end
    }

    // MARK: ratings

    /// Words a rating is written in, and the severity each means (Microsoft: Important is high, Moderate medium).
    static let ratingWords: [(word: [UInt8], severity: Severity)] = [
        (Array("critical".utf8), Severity.critical), (Array("high".utf8), .high), (Array("important".utf8), .high),
        (Array("medium".utf8), .medium), (Array("moderate".utf8), .medium), (Array("low".utf8), .low),
        (Array("informational".utf8), .info),
    ]

    /// At "severity": "severity: high", "severity rating: critical", "severity is low", or "high severity",
    /// "high-severity" before it.
    private static func severity(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, via: String, into e: inout PriorityEvidence) {
        // After: optional "rating"/"level", then ':', '=', " is " or " of ", then the rating word.
        var i = start + 8
        while at(b, i) == 0x20 { i += 1 }
        if word(b, i, "rating") { i += 6 } else if word(b, i, "level") { i += 5 }
        while at(b, i) == 0x20 { i += 1 }
        var linked = false
        if at(b, i) == UInt8(ascii: ":") || at(b, i) == UInt8(ascii: "=") { i += 1; linked = true }
        else if word(b, i, "is "), !isAlpha(at(b, i - 1)) { i += 3; linked = true }
        else if word(b, i, "of "), !isAlpha(at(b, i - 1)) { i += 3; linked = true }
        if linked {
            while at(b, i) == 0x20 || at(b, i) == UInt8(ascii: "*") || at(b, i) == UInt8(ascii: "\"") { i += 1 }
            if let (written, s) = rating(b, i) { e.add(RatingEvidence(rating: written, severity: s, via: via + ":" + phrase(b, start, i + written.utf8.count))) }
            return
        }
        // Before: "high severity", "High-Severity".
        var k = start - 1
        guard k > 0, b[k] == 0x20 || b[k] == UInt8(ascii: "-") else { return }
        k -= 1
        var s = k
        while s > 0, isAlpha(b[s - 1]) { s -= 1 }
        guard s <= k, s == 0 || !isAlnum(b[s - 1]) else { return }
        if let (written, sev) = rating(b, s), written.utf8.count == k - s + 1 {
            e.add(RatingEvidence(rating: written, severity: sev, via: via + ":" + phrase(b, s, start + 8)))
        }
    }

    /// A rating word at `i` as a whole word, in any case.
    static func rating(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> (String, Severity)? {
        for (w, s) in ratingWords where w.indices.allSatisfy({ at(b, i + $0) | 0x20 == w[$0] && isAlpha(at(b, i + $0)) }) {
            guard !isAlnum(at(b, i + w.count)) else { continue }
            return (String(decoding: UnsafeBufferPointer(rebasing: b[i..<(i + w.count)]), as: UTF8.self), s)
        }
        return nil
    }

    // MARK: bytes

    @inline(__always) static func at(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt8 { i >= 0 && i < b.count ? b[i] : 0 }
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    @inline(__always) static func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) >= 97 && (c | 0x20) <= 122 }
    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool { isDigit(c) || isAlpha(c) || c == UInt8(ascii: "_") }
    private static func startsWord(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool { i == 0 || !isAlnum(b[i - 1]) }

    /// `w` (lowercase ASCII) at `i`, in any case.
    private static func word(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ w: StaticString) -> Bool {
        let p = w.utf8Start
        for k in 0..<w.utf8CodeUnitCount where at(b, i + k) | 0x20 != p[k] | 0x20 { return false }
        return true
    }

    private static func phrase(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[s..<min(e, b.count)]), as: UTF8.self)
    }

    private static func number(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : CVSSScore.format(v)
    }
}
