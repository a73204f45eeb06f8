#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSAttack

/// Finds indicators and explicit ATT&CK IDs in refanged text: URLs first (whose hosts count as domains or
/// addresses, and inside which nothing else is looked for), then "chunks": runs of letters, digits and
/// `. - _ : / @ =` that may be an address, hash, CVE, domain or ID. Everything taken is blanked out of the
/// buffer so that the word pass that follows does not read names inside URLs, domains or hashes.
enum IndicatorScanner {
    typealias Buffer = UnsafeMutableBufferPointer<UInt8>

    /// Takes the indicators out of `b` and returns the number of word tokens written to `tokens`
    /// (which must have room for `b.count / 2 + 2`).
    static func scan(_ b: Buffer, into e: inout Enrichment, tokens: UnsafeMutablePointer<Token>) -> Int {
        scanURLs(b, &e)
        return scanChunks(b, &e, tokens: tokens)
    }

    // MARK: URLs

    static func scanURLs(_ b: Buffer, _ e: inout Enrichment) {
        guard let base = b.baseAddress else { return }
        let n = b.count
        var i = 0
        while i + 3 <= n {
            guard let p = memchr(base + i, Int32(UInt8(ascii: ":")), n - i) else { return }
            let colon = base.distance(to: p.assumingMemoryBound(to: UInt8.self))
            i = colon + 1
            guard colon + 2 < n, b[colon + 1] == UInt8(ascii: "/"), b[colon + 2] == UInt8(ascii: "/") else { continue }
            var s = colon
            while s > 0, s > colon - 6, isLetter(b[s - 1]) { s -= 1 }
            guard isScheme(b, s, colon), s == 0 || !Tokenizer.isWordByte(b[s - 1]) else { continue }
            var end = colon + 3
            while end < n, isURLByte(b[end]) { end += 1 }
            end = trimURLEnd(b, colon + 3, end)
            guard let host = hostRange(b, colon + 3, end) else { i = end; continue }
            e.indicators.urls.insert(string(b, s, end))
            addHost(b, host, &e)
            for k in s..<end { b[k] = 0x20 }
            i = end
        }
    }

    static func isScheme(_ b: Buffer, _ s: Int, _ colon: Int) -> Bool {
        let len = colon - s
        func lower(_ k: Int) -> UInt8 { b[s + k] | 0x20 }
        if len == 4 { return lower(0) == 104 && lower(1) == 116 && lower(2) == 116 && lower(3) == 112 }      // http
        if len == 5 { return lower(0) == 104 && lower(1) == 116 && lower(2) == 116 && lower(3) == 112 && lower(4) == 115 } // https
        if len == 3 { return lower(0) == 102 && lower(1) == 116 && lower(2) == 112 }                           // ftp
        return false
    }

    @inline(__always) static func isURLByte(_ c: UInt8) -> Bool {
        c > 0x20 && c < 0x7F && c != UInt8(ascii: "\"") && c != UInt8(ascii: "<") && c != UInt8(ascii: ">")
            && c != UInt8(ascii: "`") && c != UInt8(ascii: "{") && c != UInt8(ascii: "}") && c != UInt8(ascii: "|")
            && c != UInt8(ascii: "\\") && c != UInt8(ascii: "^")
    }

    /// Drops sentence punctuation after a URL, and a closing bracket that opened before it.
    static func trimURLEnd(_ b: Buffer, _ start: Int, _ end: Int) -> Int {
        var end = end
        while end > start {
            let c = b[end - 1]
            if c == UInt8(ascii: ".") || c == UInt8(ascii: ",") || c == UInt8(ascii: ";") || c == UInt8(ascii: ":")
                || c == UInt8(ascii: "!") || c == UInt8(ascii: "?") || c == UInt8(ascii: "'") || c == UInt8(ascii: "*") {
                end -= 1; continue
            }
            if c == UInt8(ascii: ")") || c == UInt8(ascii: "]") {
                let open: UInt8 = c == UInt8(ascii: ")") ? UInt8(ascii: "(") : UInt8(ascii: "[")
                var opens = 0, closes = 0
                for k in start..<end { if b[k] == open { opens += 1 } else if b[k] == c { closes += 1 } }
                if closes > opens { end -= 1; continue }
            }
            break
        }
        return end
    }

    /// The host part of an authority (after "://"): userinfo and port dropped, IPv6 brackets kept.
    static func hostRange(_ b: Buffer, _ start: Int, _ end: Int) -> Range<Int>? {
        var authorityEnd = start
        while authorityEnd < end, b[authorityEnd] != UInt8(ascii: "/"), b[authorityEnd] != UInt8(ascii: "?"), b[authorityEnd] != UInt8(ascii: "#") {
            authorityEnd += 1
        }
        var h = start
        for k in start..<authorityEnd where b[k] == UInt8(ascii: "@") { h = k + 1 }
        guard h < authorityEnd else { return nil }
        if b[h] == UInt8(ascii: "[") {
            var k = h
            while k < authorityEnd, b[k] != UInt8(ascii: "]") { k += 1 }
            return k < authorityEnd && k > h + 1 ? (h + 1)..<k : nil
        }
        var k = h
        while k < authorityEnd, b[k] != UInt8(ascii: ":") { k += 1 }
        return k > h ? h..<k : nil
    }

    static func addHost(_ b: Buffer, _ host: Range<Int>, _ e: inout Enrichment) {
        let part = UnsafeBufferPointer(rebasing: b[host])
        if let ip = ipv4(part) { e.indicators.ipv4.insert(ip); return }
        if let ip = ipv6(part) { e.indicators.ipv6.insert(ip); return }
        if let d = domain(part, requireKnownTLD: false) { e.indicators.domains.insert(d) }
    }

    // MARK: chunks

    /// One pass over the text (after `scanURLs`): splits it into chunks, takes the indicators among them,
    /// and writes the words of everything else to `tokens` (capacity: text length / 2 + 2). Returns the
    /// number of tokens.
    static func scanChunks(_ b: Buffer, _ e: inout Enrichment, tokens: UnsafeMutablePointer<Token>) -> Int {
        let n = b.count
        var count = 0
        ByteClass.table.withUnsafeBufferPointer { classes in
            ByteClass.lower.withUnsafeBufferPointer { lower in
                var i = 0
                while i < n {
                    if classes[Int(b[i])] & ByteClass.chunk == 0 { i += 1; continue }
                    let start = i, tokensBefore = count
                    var seen: UInt8 = 0
                    var h: UInt64 = 0, wordStart = -1, digits = true
                    repeat {
                        let c = b[i], k = classes[Int(c)]
                        seen |= k
                        if k & ByteClass.word != 0 {
                            if wordStart < 0 { wordStart = i; h = Tokenizer.offsetBasis; digits = true }
                            if k & ByteClass.digit == 0 { digits = false }
                            h = (h ^ UInt64(lower[Int(c)])) &* Tokenizer.prime
                        } else if wordStart >= 0 {
                            tokens[count] = Token(start: Int32(wordStart), end: Int32(i), hash: h | 1, isNumber: digits)
                            count += 1
                            wordStart = -1
                        }
                        i += 1
                    } while i < n && classes[Int(b[i])] & ByteClass.chunk != 0
                    if wordStart >= 0 {
                        tokens[count] = Token(start: Int32(wordStart), end: Int32(i), hash: h | 1, isNumber: digits)
                        count += 1
                    }
                    // Most chunks are plain words: nothing more to look at.
                    guard seen & (ByteClass.digit | ByteClass.dot) != 0, seen & (ByteClass.at | ByteClass.nonASCII) == 0 else { continue }
                    var s = start, end = i
                    while s < end, isEdgePunctuation(b[s]) { s += 1 }
                    while end > s, isEdgePunctuation(b[end - 1]) { end -= 1 }
                    guard s < end else { continue }
                    if seen & ByteClass.colon != 0, let v6 = ipv6Chunk(b, s, end) {
                        e.indicators.ipv6.insert(v6)
                        blank(b, s, end)
                        count = tokensBefore
                        continue
                    }
                    if classifyParts(b, s, end, &e) {
                        // Some of the chunk was taken and blanked: its words are what is left.
                        count = tokensBefore + Tokenizer.tokenize(UnsafeBufferPointer(rebasing: b[start..<i]), offset: start, into: tokens + tokensBefore)
                    }
                }
            }
        }
        return count
    }

    @inline(__always) static func isEdgePunctuation(_ c: UInt8) -> Bool {
        c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: ":") || c == UInt8(ascii: "/")
            || c == UInt8(ascii: "_") || c == UInt8(ascii: "=")
    }

    /// Splits a chunk at ':', '/' and '=' ("1.2.3.4:443", "sha256:ab12…", "T1110/T1078", "evil.com/x")
    /// and classifies each part.
    /// Returns whether any part was taken (and blanked).
    static func classifyParts(_ b: Buffer, _ s: Int, _ end: Int, _ e: inout Enrichment) -> Bool {
        var p = s
        var first = true
        var taken = false
        while p < end {
            var q = p
            while q < end, b[q] != UInt8(ascii: ":"), b[q] != UInt8(ascii: "/"), b[q] != UInt8(ascii: "=") { q += 1 }
            if q > p, classify(b, p, q, chunkStart: s, isFirstPart: first, &e) { blank(b, p, q); taken = true }
            first = false
            p = q + 1
        }
        return taken
    }

    /// One part: an ATT&CK ID, a CVE, an IPv4 address, a hash or a domain. True when taken.
    static func classify(_ b: Buffer, _ s: Int, _ end: Int, chunkStart: Int, isFirstPart: Bool, _ e: inout Enrichment) -> Bool {
        let part = UnsafeBufferPointer(rebasing: b[s..<end])
        let len = part.count
        if let id = attackID(part) {
            if e.add(id: id, via: "text:" + id) { return true }
            return true   // a well-formed but unknown ID is not emitted, and is nothing else either
        }
        if len >= 13, let cve = cve(part) { e.indicators.cves.insert(cve); return true }
        if len >= 7, len <= 15, let ip = ipv4(part) {
            if isFirstPart && followsVersionWord(b, chunkStart) { return true }
            e.indicators.ipv4.insert(ip)
            return true
        }
        if len == 32 || len == 40 || len == 64, let h = hash(part) {
            switch len {
            case 32: e.indicators.md5.insert(h)
            case 40: e.indicators.sha1.insert(h)
            default: e.indicators.sha256.insert(h)
            }
            return true
        }
        if let d = domain(part, requireKnownTLD: true) { e.indicators.domains.insert(d); return true }
        return false
    }

    static func blank(_ b: Buffer, _ s: Int, _ end: Int) {
        for k in s..<end { b[k] = 0x20 }
    }

    // MARK: recognizers

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
            guard TLDs.contains(tld) else { return nil }
        } else {
            guard tld.allSatisfy({ $0 | 0x20 >= 97 && $0 | 0x20 <= 122 }) else { return nil }
        }
        let name = String(decoding: p.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }, as: UTF8.self)
        if name == "localhost" || name.hasSuffix(".example") || name.hasSuffix(".test") || name.hasSuffix(".invalid")
            || ["example.com", "example.org", "example.net"].contains(where: { name == $0 || name.hasSuffix("." + $0) }) {
            return nil
        }
        return name
    }

    /// True when the word before `at` says a dotted number is a version ("version 1.2.3.4", "build 10.0.1.2").
    static func followsVersionWord(_ b: Buffer, _ at: Int) -> Bool {
        var k = at
        while k > 0, b[k - 1] == 0x20 || b[k - 1] == 0x09 || b[k - 1] == 0x0A { k -= 1 }
        let end = k
        while k > 0, Tokenizer.isWordByte(b[k - 1]) { k -= 1 }
        guard end > k, end - k <= 12 else { return false }
        let word = String(decoding: b[k..<end].map { $0 | 0x20 }, as: UTF8.self)
        return versionWords.contains(word)
    }

    static let versionWords: Set<String> = ["version", "versions", "ver", "v", "build", "builds", "release", "releases",
                                            "firmware", "update", "patch", "kb", "revision", "rev", "agent"]

    @inline(__always) static func isHex(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c | 0x20 >= 97 && c | 0x20 <= 102) }
    @inline(__always) static func isLetter(_ c: UInt8) -> Bool { c | 0x20 >= 97 && c | 0x20 <= 122 }

    static func string(_ b: Buffer, _ s: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[s..<end]), as: UTF8.self)
    }
}
