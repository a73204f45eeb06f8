import CSAttack

/// Finds indicators and explicit ATT&CK IDs in refanged text: URLs first (whose hosts count as domains or
/// addresses, and inside which nothing else is looked for), then "chunks": runs of letters, digits and
/// `. - _ : / @ =` that may be an address, hash, CVE, domain or ID. Everything taken is blanked out of the
/// buffer so that the word pass that follows does not read names inside URLs, domains or hashes.
enum IndicatorScanner {
    typealias Buffer = UnsafeMutableBufferPointer<UInt8>

    /// Takes the indicators out of `b` and returns the number of word tokens written to `tokens`
    /// (which must have room for `b.count / 2 + 2`).
    static func scan(_ b: Buffer, into e: inout Enrichment, tokens: UnsafeMutablePointer<Token>, hosts: HostPolicy) -> Int {
        scanURLs(b, &e, hosts)
        return scanChunks(b, &e, tokens: tokens, hosts: hosts)
    }

    // MARK: chunks

    /// One pass over the text (after `scanURLs`): splits it into chunks, takes the indicators among them,
    /// and writes the words of everything else to `tokens` (capacity: text length / 2 + 2). Returns the
    /// number of tokens.
    static func scanChunks(_ b: Buffer, _ e: inout Enrichment, tokens: UnsafeMutablePointer<Token>, hosts: HostPolicy) -> Int {
        let n = b.count
        var count = 0
        ByteClass.table.withUnsafeBufferPointer { classes in
            ByteClass.lower.withUnsafeBufferPointer { lower in
                var i = 0
                while i < n {
                    if classes[Int(b[i])] & ByteClass.chunk == 0 { i += 1; continue }
                    if isGeneralPunctuation(b, i) { i += 3; continue }
                    let start = i, tokensBefore = count
                    var seen: UInt8 = 0
                    var h: UInt64 = 0, wordStart = -1, digits = true
                    repeat {
                        let c = b[i], k = classes[Int(c)]
                        if k & ByteClass.nonASCII != 0 && isGeneralPunctuation(b, i) { break }
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
                    if classifyParts(b, s, end, &e, hosts) {
                        // Some of the chunk was taken and blanked: its words are what is left.
                        count = tokensBefore + Tokenizer.tokenize(UnsafeBufferPointer(rebasing: b[start..<i]), offset: start, into: tokens + tokensBefore)
                    }
                }
            }
        }
        return count
    }

    /// U+2000...U+203F (UTF-8 E2 80 xx): typographic spaces, dashes, quotes and bullets end a word like
    /// their ASCII forms ("Mimikatz’s" is Mimikatz, "“Shamoon”" is Shamoon).
    @inline(__always) static func isGeneralPunctuation(_ b: Buffer, _ i: Int) -> Bool {
        b[i] == 0xE2 && i + 2 < b.count && b[i + 1] == 0x80
    }

    @inline(__always) static func isEdgePunctuation(_ c: UInt8) -> Bool {
        c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: ":") || c == UInt8(ascii: "/")
            || c == UInt8(ascii: "_") || c == UInt8(ascii: "=")
    }

    /// Splits a chunk at ':', '/' and '=' ("1.2.3.4:443", "sha256:ab12…", "T1110/T1078", "evil.com/x")
    /// and classifies each part.
    /// Returns whether any part was taken (and blanked).
    static func classifyParts(_ b: Buffer, _ s: Int, _ end: Int, _ e: inout Enrichment, _ hosts: HostPolicy) -> Bool {
        var p = s
        var taken = false
        while p < end {
            var q = p
            while q < end, b[q] != UInt8(ascii: ":"), b[q] != UInt8(ascii: "/"), b[q] != UInt8(ascii: "=") { q += 1 }
            if q > p, classify(b, p, q, &e, hosts) { blank(b, p, q); taken = true }
            p = q + 1
        }
        return taken
    }

    /// One part: an ATT&CK ID, a CVE, an IPv4 address, a hash or a domain. True when taken.
    static func classify(_ b: Buffer, _ s: Int, _ end: Int, _ e: inout Enrichment, _ hosts: HostPolicy) -> Bool {
        let part = UnsafeBufferPointer(rebasing: b[s..<end])
        let len = part.count
        if let id = attackID(part) {
            // A well-formed but unknown ID is not emitted; it stays a word, which may be a name ("TA2541", "T9000").
            return e.add(id: id, via: "text:" + id)
        }
        if len >= 13, let cve = cve(part) { e.indicators.cves.insert(cve); return true }
        if len >= 7, len <= 15, let ip = ipv4(part) {
            if isVersion(b, s, end) { return true }
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
        if let d = domain(part, requireKnownTLD: true) {
            // The advisory's own site and reference hosts are taken (blanked) but are not indicators.
            if hosts.isIndicator(host: d, at: s..<end) { e.indicators.domains.insert(d) }
            return true
        }
        return false
    }

    static func blank(_ b: Buffer, _ s: Int, _ end: Int) {
        for k in s..<end { b[k] = 0x20 }
    }
}
