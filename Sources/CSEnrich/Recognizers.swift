#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What a chunk of text may be: an ATT&CK ID, a CVE, an IPv4 or IPv6 address, a hash or a domain.
/// Each recognizer accepts only the exact form and returns it normalized, or nil.
extension IndicatorScanner {
    /// "T1110", "T1110.003", "TA0006", "G0016", "S0154", or Sigma's "attack.t1110.003" (then any case).
    static func attackID(_ p: UnsafeBufferPointer<UInt8>) -> String? {
        var p = p
        var anyCase = false
        if p.count > 7, p[0] | 0x20 == 97, p[1] | 0x20 == 116, p[2] | 0x20 == 116, p[3] | 0x20 == 97, p[4] | 0x20 == 99,
           p[5] | 0x20 == 107, p[6] == UInt8(ascii: ".") {
            p = UnsafeBufferPointer(rebasing: p[7...])
            anyCase = true
        }
        func isDigit(_ k: Int) -> Bool { p[k] >= 48 && p[k] <= 57 }
        func letter(_ k: Int) -> UInt8 { anyCase ? p[k] & ~0x20 : p[k] }
        let n = p.count
        guard n == 5 || n == 6 || n == 9 else { return nil }
        let c0 = letter(0)
        if n == 6 {
            guard c0 == UInt8(ascii: "T"), letter(1) == UInt8(ascii: "A"), (2..<6).allSatisfy(isDigit) else { return nil }
            return "TA" + String(decoding: p[2..<6], as: UTF8.self)
        }
        guard c0 == UInt8(ascii: "T") || c0 == UInt8(ascii: "G") || c0 == UInt8(ascii: "S"), (1..<5).allSatisfy(isDigit) else { return nil }
        let head = String(UnicodeScalar(c0)) + String(decoding: p[1..<5], as: UTF8.self)
        if n == 5 { return head }
        guard c0 == UInt8(ascii: "T"), p[5] == UInt8(ascii: "."), (6..<9).allSatisfy(isDigit) else { return nil }
        return head + "." + String(decoding: p[6..<9], as: UTF8.self)
    }

    /// "CVE-2024-3400" in any case, uppercased.
    static func cve(_ p: UnsafeBufferPointer<UInt8>) -> String? {
        guard p[0] | 0x20 == 99, p[1] | 0x20 == 118, p[2] | 0x20 == 101, p[3] == UInt8(ascii: "-") else { return nil }
        for k in 4..<8 where !(p[k] >= 48 && p[k] <= 57) { return nil }
        guard p[8] == UInt8(ascii: "-") else { return nil }
        let digits = p.count - 9
        guard digits >= 4, digits <= 7 else { return nil }
        for k in 9..<p.count where !(p[k] >= 48 && p[k] <= 57) { return nil }
        return "CVE-" + String(decoding: p[4...], as: UTF8.self)
    }

    /// Dotted-quad IPv4 with octets 0–255 and no leading zeros.
    static func ipv4(_ p: UnsafeBufferPointer<UInt8>) -> String? {
        var octets = 0, value = 0, digits = 0, leadingZero = false
        for c in p {
            if c >= 48 && c <= 57 {
                if digits == 1 && leadingZero { return nil }
                if digits == 0 { leadingZero = c == 48 }
                value = value * 10 + Int(c - 48)
                digits += 1
                if digits > 3 || value > 255 { return nil }
            } else if c == UInt8(ascii: ".") {
                guard digits > 0 else { return nil }
                octets += 1
                value = 0; digits = 0
            } else {
                return nil
            }
        }
        guard octets == 3, digits > 0 else { return nil }
        return String(decoding: p, as: UTF8.self)
    }

    /// A chunk that is an IPv6 address (with an optional "/prefix"), in canonical form.
    static func ipv6Chunk(_ b: Buffer, _ s: Int, _ end: Int) -> String? {
        var e = end
        for k in s..<end where b[k] == UInt8(ascii: "/") { e = k; break }
        return ipv6(UnsafeBufferPointer(rebasing: b[s..<e]))
    }

    static func ipv6(_ p: UnsafeBufferPointer<UInt8>) -> String? {
        guard p.count >= 3, p.count <= 45 else { return nil }
        var colons = 0, hexDigits = 0
        for c in p {
            if c == UInt8(ascii: ":") { colons += 1 }
            else if isHex(c) { hexDigits += 1 }
            else if c != UInt8(ascii: ".") { return nil }
        }
        guard colons >= 2, hexDigits > 0 else { return nil }
        var text = [CChar](repeating: 0, count: 64)
        for (k, c) in p.enumerated() { text[k] = CChar(bitPattern: c) }
        var addr = in6_addr()
        guard inet_pton(AF_INET6, text, &addr) == 1 else { return nil }
        var out = [CChar](repeating: 0, count: 64)
        guard inet_ntop(AF_INET6, &addr, &out, 64) != nil else { return nil }
        return String(decoding: out.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// 32, 40 or 64 hex digits with at least one digit and one letter (long plain numbers and words are not hashes).
    static func hash(_ p: UnsafeBufferPointer<UInt8>) -> String? {
        var digit = false, letter = false
        for c in p {
            if c >= 48 && c <= 57 { digit = true }
            else if c | 0x20 >= 97 && c | 0x20 <= 102 { letter = true }
            else { return nil }
        }
        guard digit && letter else { return nil }
        return String(decoding: p.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// A host name: two or more labels of letters, digits and hyphens, ending in an alphabetic TLD
    /// (from `TLDs` and written in lowercase, unless the name came from a URL). Documentation names
    /// (example.com, *.example, localhost) are not indicators.
    static func domain(_ p: UnsafeBufferPointer<UInt8>, requireKnownTLD: Bool) -> String? {
        guard p.count >= 4, p.count <= 253 else { return nil }
        var labels = 0, labelStart = 0, lastLabelStart = 0
        for (k, c) in p.enumerated() {
            if c == UInt8(ascii: ".") {
                let len = k - labelStart
                guard len >= 1, len <= 63, p[labelStart] != UInt8(ascii: "-"), p[k - 1] != UInt8(ascii: "-") else { return nil }
                labels += 1
                labelStart = k + 1
                lastLabelStart = k + 1
            } else if !((c >= 48 && c <= 57) || (c | 0x20 >= 97 && c | 0x20 <= 122) || c == UInt8(ascii: "-")) {
                return nil
            }
        }
        guard labels >= 1, p.count - lastLabelStart >= 2 else { return nil }
        let tld = UnsafeBufferPointer(rebasing: p[lastLabelStart...])
        if requireKnownTLD {
            guard TLDs.contains(tld), !isReverseDNS(p) else { return nil }
        } else {
            guard tld.allSatisfy({ $0 | 0x20 >= 97 && $0 | 0x20 <= 122 }) else { return nil }
        }
        let name = String(decoding: p.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }, as: UTF8.self)
        return isDocumentationName(name) ? nil : name
    }

    /// A reverse-DNS identifier written alone ("com.apple" of "`com.apple.*`", "org.example.app"):
    /// a bundle or package ID, not a host, now that brand names are TLDs.
    static func isReverseDNS(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
        guard p.count >= 4, p[3] == UInt8(ascii: ".") else { return false }
        let first = (p[0] | 0x20, p[1] | 0x20, p[2] | 0x20)
        return first == (99, 111, 109) || first == (111, 114, 103)   // "com", "org"
    }

    /// Names reserved for documentation and tests (RFC 2606, RFC 6761), lowercased: never indicators.
    static func isDocumentationName(_ name: String) -> Bool {
        let u = name.utf8
        func ends(_ suffix: StaticString) -> Bool {
            let s = UnsafeBufferPointer(start: suffix.utf8Start, count: suffix.utf8CodeUnitCount)
            return u.count >= s.count && u.suffix(s.count).elementsEqual(s)
        }
        // "example.com" itself, or a name under it: the byte before the suffix is a dot or nothing.
        func isOrUnder(_ suffix: StaticString) -> Bool {
            ends(suffix) && (u.count == suffix.utf8CodeUnitCount || u.dropLast(suffix.utf8CodeUnitCount).last == UInt8(ascii: "."))
        }
        return isOrUnder("localhost") || ends(".example") || ends(".test") || ends(".invalid")
            || isOrUnder("example.com") || isOrUnder("example.org") || isOrUnder("example.net")
    }

    /// True when the words around the dotted number at `at..<end` say it is a version: a version word
    /// before it ("version 1.2.3.4", "build 10.0.1.2", "Version: 1.2.3.4", "version=1.2.3.4"), or a
    /// range after it ("1.2.3.4 and later", "1.2.3.4 or earlier").
    static func isVersion(_ b: Buffer, _ at: Int, _ end: Int) -> Bool {
        followsVersionWord(b, at) || precedesVersionRange(b, end)
    }

    static func followsVersionWord(_ b: Buffer, _ at: Int) -> Bool {
        var k = at
        while k > 0, b[k - 1] == 0x20 || b[k - 1] == 0x09 || b[k - 1] == 0x0A { k -= 1 }
        if k > 0, b[k - 1] == UInt8(ascii: ":") || b[k - 1] == UInt8(ascii: "=") {
            k -= 1
            while k > 0, b[k - 1] == 0x20 || b[k - 1] == 0x09 { k -= 1 }
        }
        let end = k
        while k > 0, Tokenizer.isWordByte(b[k - 1]) { k -= 1 }
        guard end > k, end - k <= 12 else { return false }
        let word = String(decoding: b[k..<end].map { $0 | 0x20 }, as: UTF8.self)
        return versionWords.contains(word)
    }

    /// "or later", "or earlier", "and earlier", "and newer"… after `end`. Not "and later" or "and prior":
    /// "seen at 1.2.3.4 and later at …" is prose about an address.
    static func precedesVersionRange(_ b: Buffer, _ end: Int) -> Bool {
        func word(from k: Int) -> (String, Int)? {
            var s = k
            while s < b.count, b[s] == 0x20 || b[s] == 0x09 { s += 1 }
            var e = s
            while e < b.count, e - s <= 8, isLetter(b[e]) { e += 1 }
            guard e > s, e - s <= 8 else { return nil }
            return (String(decoding: b[s..<e].map { $0 | 0x20 }, as: UTF8.self), e)
        }
        guard let (conjunction, next) = word(from: end), conjunction == "and" || conjunction == "or",
              let (range, _) = word(from: next), versionRangeWords.contains(range) else { return false }
        return conjunction == "or" || (range != "later" && range != "prior")
    }

    static let versionRangeWords: Set<String> = ["later", "earlier", "newer", "older", "above", "below", "higher", "lower", "prior"]

    static let versionWords: Set<String> = ["version", "versions", "ver", "v", "build", "builds", "release", "releases",
                                            "firmware", "update", "patch", "kb", "revision", "rev", "agent"]

    @inline(__always) static func isHex(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c | 0x20 >= 97 && c | 0x20 <= 102) }
    @inline(__always) static func isLetter(_ c: UInt8) -> Bool { c | 0x20 >= 97 && c | 0x20 <= 122 }

    static func string(_ b: Buffer, _ s: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[s..<end]), as: UTF8.self)
    }
}
