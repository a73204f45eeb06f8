/// One HTTP(S) or file:// request, described independently of libcurl so that callers (cs-fetch,
/// cs-sink) never see a curl handle.
public struct HTTPRequest: Sendable {
    public var url: String
    /// "GET", "POST", "PUT", "HEAD", ...
    public var method: String
    /// Sent as given, in order. Values may be secrets: CSHTTP never logs or echoes them.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// Whole transfer, connection included (seconds; 0 = no limit).
    public var timeout: Double
    public var connectTimeout: Double
    /// The transfer is aborted once the body (after decompression) would exceed this many bytes.
    public var maxBodyBytes: Int?
    public var followRedirects: Bool
    public var maxRedirects: Int
    /// Offer every encoding libcurl can decode (gzip, deflate, brotli, zstd) and decode the body.
    public var acceptEncoding: Bool
    public var userAgent: String?
    /// Skip TLS certificate and host-name verification (callers must warn when they set this).
    public var insecure: Bool
    /// PEM file of CA certificates to verify servers against instead of the system's (private CAs).
    public var caBundlePath: String?
    /// A caller's tag carried through to the outcome (for example the index of a feed).
    public var tag: Int
    /// Names (any case) of headers whose values are secrets. When there are any, redirects are
    /// followed by `HTTPClient` rather than libcurl, and these headers are dropped as soon as a
    /// redirect leads to another scheme, host or port (libcurl would only drop Authorization and Cookie).
    public var sensitiveHeaders: Set<String>
    /// When set, a redirect from a public address to a non-public one is refused (see RedirectGuard).
    public var redirectGuard: RedirectGuard?
    /// The request that answered with the redirect leading here, when `HTTPClient` follows redirects
    /// itself: where the guard's chain starts for this transfer.
    var redirectedFrom: ConnectedHop?

    public init(url: String, method: String = "GET", headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
                timeout: Double = 60, connectTimeout: Double = 15, maxBodyBytes: Int? = nil,
                followRedirects: Bool = true, maxRedirects: Int = 10, acceptEncoding: Bool = true,
                userAgent: String? = nil, insecure: Bool = false, caBundlePath: String? = nil, tag: Int = 0,
                sensitiveHeaders: Set<String> = [], redirectGuard: RedirectGuard? = nil) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxBodyBytes = maxBodyBytes
        self.followRedirects = followRedirects
        self.maxRedirects = maxRedirects
        self.acceptEncoding = acceptEncoding
        self.userAgent = userAgent
        self.insecure = insecure
        self.caBundlePath = caBundlePath
        self.tag = tag
        self.sensitiveHeaders = Set(sensitiveHeaders.map { $0.lowercased() })
        self.redirectGuard = redirectGuard
    }

    /// Redirects are followed here, not by libcurl, when some header must not leave the origin.
    var followsRedirectsItself: Bool { followRedirects && !sensitiveHeaders.isEmpty }

    /// The request to send to `location` after a `status` redirect: secrets stay with their origin,
    /// and 303 (or 301/302 after a POST) turns into a GET without body, as browsers and libcurl do.
    func redirected(to location: String, status: Int) -> HTTPRequest {
        var next = self
        next.url = location
        if location.hostKey != hostKey {
            next.headers.removeAll { sensitiveHeaders.contains($0.name.lowercased()) }
        }
        if status == 303 || ((status == 301 || status == 302) && method.uppercased() == "POST") {
            next.method = "GET"
            next.body = nil
        }
        return next
    }

    /// "scheme://host[:port]" in lower case: the unit of the per-host connection cap and of the origin.
    public var hostKey: String { url.hostKey }
}

extension String {
    /// "scheme://host" or "scheme://host:port" (not the scheme's default port), in lower case, as libcurl's
    /// URL API splits the URL (CurlURL): https://a.example, https://a.example:443/ and HTTPS://A.EXAMPLE/
    /// are one host. A URL libcurl cannot parse is its own key.
    public var hostKey: String {
        CurlURL(self)?.hostKey ?? lowercased()
    }
}

extension String {
    /// "https://x/y" -> ("https", "x/y"); nil when there is no "scheme://".
    public var schemeSplit: (scheme: Substring, rest: Substring)? {
        guard let colon = firstIndex(of: ":") else { return nil }
        let scheme = self[..<colon]
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }) else { return nil }
        let after = self[index(after: colon)...]
        guard after.hasPrefix("//") else { return nil }
        return (scheme, after.dropFirst(2))
    }
}
