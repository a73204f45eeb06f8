#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// URLs in text (http, https, ftp; after refanging): each is an indicator, its host a domain or an
/// address, and its bytes are blanked so nothing inside a URL (IDs, CVEs, hashes, words) counts again.
extension IndicatorScanner {
    static func scanURLs(_ b: Buffer, _ e: inout Enrichment, _ hosts: HostPolicy) {
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
            let url = string(b, s, end)
            // A link to the advisory's own site or to a reference is not an indicator (see HostPolicy).
            if let (kind, name) = hostName(b, host) {
                if hosts.isIndicator(host: name, url: url, at: s..<end) {
                    e.indicators.urls.insert(url)
                    e.indicators.insert(name, kind)
                }
            } else if hosts.isDefanged(s..<end) || !isDocumentationName(String(decoding: b[host].map { ByteClass.lower[Int($0)] }, as: UTF8.self)) {
                // A host that is neither an address nor a domain name ("http://intranet/"); a documentation
                // name (example.com) only when defanged, as the example feeds write their indicators.
                e.indicators.urls.insert(url)
            }
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

    /// A URL's host as an address or a domain, normalized; nil for a host that is neither (a single label,
    /// a documentation name).
    static func hostName(_ b: Buffer, _ host: Range<Int>) -> (Indicators.HostKind, String)? {
        let part = UnsafeBufferPointer(rebasing: b[host])
        if let ip = ipv4(part) { return (.ipv4, ip) }
        if let ip = ipv6(part) { return (.ipv6, ip) }
        if let d = domain(part, requireKnownTLD: false) { return (.domain, d) }
        return nil
    }
}
