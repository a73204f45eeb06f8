import CCurl

/// A URL split by libcurl's URL API (curl_url): the scheme, host and port libcurl itself connects to,
/// so cs and libcurl agree on what "one host" is (case, default ports, userinfo, numeric IPv4 forms).
public struct CurlURL: Sendable, Equatable {
    /// Lower case ("https"); "http" when the URL has none (libcurl guesses it, as curl does).
    public let scheme: String
    /// Lower case, IPv6 in brackets; nil when the URL has none (file:///x).
    public let host: String?
    /// The port when it is not the scheme's default (":443" on https is no port).
    public let port: String?

    /// Nil when libcurl cannot parse `url`.
    public init?(_ url: String) {
        guard let handle = curl_url() else { return nil }
        defer { curl_url_cleanup(handle) }
        let flags = UInt32(CURLU_NON_SUPPORT_SCHEME | CURLU_GUESS_SCHEME)
        guard curl_url_set(handle, CURLUPART_URL, url, flags) == CURLUE_OK,
              let scheme = CurlURL.part(handle, CURLUPART_SCHEME, flags: 0) else { return nil }
        self.scheme = scheme.lowercased()
        host = CurlURL.part(handle, CURLUPART_HOST, flags: 0)?.lowercased()
        // CURLU_NO_DEFAULT_PORT: no port when it is the scheme's default, written or not.
        port = CurlURL.part(handle, CURLUPART_PORT, flags: UInt32(CURLU_NO_DEFAULT_PORT))
    }

    /// One part as a Swift string; the copy libcurl allocates is freed here.
    private static func part(_ handle: OpaquePointer, _ which: CURLUPart, flags: UInt32) -> String? {
        var text: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, which, &text, flags) == CURLUE_OK, let text else { return nil }
        defer { curl_free(text) }
        return String(cString: text)
    }

    /// "scheme://host" or "scheme://host:port": the unit of the per-host connection cap and of
    /// "same origin" for redirects.
    public var hostKey: String {
        scheme + "://" + (host ?? "") + (port.map { ":" + $0 } ?? "")
    }
}
