#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CCurl

/// libcurl's global state, initialized once before the first handle.
enum CurlGlobal {
    static let ready: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
}

/// One transfer: the only owner of a curl easy handle, its header list and its error buffer, all
/// released in `deinit`. libcurl calls back into the transfer through an unretained pointer to it,
/// so whoever drives the handle (`CurlMulti`) keeps the transfer alive until libcurl is done with it.
final class CurlEasy {
    let request: HTTPRequest
    let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private(set) var body: [UInt8] = []
    private(set) var responseHeaders: [(name: String, value: String)] = []
    /// Set by the write callback when the decoded body passed `maxBodyBytes`.
    private(set) var exceededLimit = false
    /// Bytes received so far (decoded), for progress displays.
    private(set) var receivedBytes = 0
    private var startedAt = 0.0
    /// The last request of the redirect chain and the address it connected to (RedirectGuard).
    private(set) var lastHop: ConnectedHop?
    /// Set when the redirect guard stopped the transfer: the public hop and the refused one.
    private(set) var refusedRedirect: (from: ConnectedHop, to: ConnectedHop)?

    init?(_ request: HTTPRequest) {
        guard CurlGlobal.ready, let handle = curl_easy_init() else { return nil }
        self.request = request
        self.handle = handle
        lastHop = request.redirectedFrom
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        configure()
    }

    deinit {
        curl_easy_cleanup(handle)
        if let headerList { curl_slist_free_all(headerList) }
        errorBuffer.deallocate()
    }

    private func configure() {
        let h = handle
        let r = request
        let me = Unmanaged.passUnretained(self).toOpaque()
        cs_curl_easy_setopt_string(h, CURLOPT_URL, r.url)
        cs_curl_easy_setopt_string(h, CURLOPT_PROTOCOLS_STR, "http,https,file")
        // A redirect may never lead to a local file or another protocol.
        cs_curl_easy_setopt_string(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        cs_curl_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        cs_curl_easy_setopt_pointer(h, CURLOPT_ERRORBUFFER, errorBuffer)
        cs_curl_easy_setopt_long(h, CURLOPT_FOLLOWLOCATION, r.followRedirects && !r.followsRedirectsItself ? 1 : 0)
        cs_curl_easy_setopt_long(h, CURLOPT_MAXREDIRS, r.maxRedirects)
        cs_curl_easy_setopt_long(h, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        if r.acceptEncoding { cs_curl_easy_setopt_string(h, CURLOPT_ACCEPT_ENCODING, "") }
        if let ua = r.userAgent { cs_curl_easy_setopt_string(h, CURLOPT_USERAGENT, ua) }
        if let ms = CurlEasy.milliseconds(r.timeout) { cs_curl_easy_setopt_long(h, CURLOPT_TIMEOUT_MS, ms) }
        if let ms = CurlEasy.milliseconds(r.connectTimeout) { cs_curl_easy_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, ms) }
        if let max = r.maxBodyBytes {
            // Refuses at once a declared Content-Length over the limit; the write callback
            // enforces the limit on decoded bytes (compressed bodies, chunked bodies).
            cs_curl_easy_setopt_off(h, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(max))
        }
        if let ca = r.caBundlePath { cs_curl_easy_setopt_string(h, CURLOPT_CAINFO, ca) }
        if r.insecure {
            cs_curl_easy_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 0)
            cs_curl_easy_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 0)
        }
        for (name, value) in r.headers {
            // A line break would end the header block early (request smuggling): drop them.
            let name = String(name.unicodeScalars.filter { $0 != "\r" && $0 != "\n" && $0 != ":" })
            let value = String(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" })
            if name.isEmpty { continue }
            // "Name;" is curl's way to send a header with an empty value.
            let line = value.isEmpty ? name + ";" : name + ": " + value
            headerList = curl_slist_append(headerList, line)
        }
        if r.body != nil, !r.headers.contains(where: { $0.name.lowercased() == "expect" }) {
            // A body is sent at once: libcurl would otherwise announce bodies over 1 MiB with
            // "Expect: 100-continue" and wait for the server's go-ahead (a round trip, or a second
            // with servers that ignore it) before every batch a sink posts.
            headerList = curl_slist_append(headerList, "Expect:")
        }
        if let headerList { cs_curl_easy_setopt_slist(h, CURLOPT_HTTPHEADER, headerList) }

        let method = r.method.uppercased()
        switch method {
        case "GET": if r.body != nil { cs_curl_easy_setopt_string(h, CURLOPT_CUSTOMREQUEST, "GET") }
        case "HEAD": cs_curl_easy_setopt_long(h, CURLOPT_NOBODY, 1)
        case "POST": cs_curl_easy_setopt_long(h, CURLOPT_POST, 1)
        default: cs_curl_easy_setopt_string(h, CURLOPT_CUSTOMREQUEST, r.method)
        }
        // A method that carries a body always gets one (empty if none was given): otherwise
        // libcurl would read the body from stdin.
        if let body = r.body ?? (method == "GET" || method == "HEAD" ? nil : []) {
            cs_curl_easy_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            // COPYPOSTFIELDS copies the bytes (binary-safe once the size is set): no lifetime to manage.
            if body.isEmpty {
                cs_curl_easy_setopt_string(h, CURLOPT_COPYPOSTFIELDS, "")
            } else {
                body.withUnsafeBytes { buf in
                    _ = cs_curl_easy_setopt_pointer(h, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: buf.baseAddress!))
                }
            }
        }

        cs_curl_easy_setopt_pointer(h, CURLOPT_WRITEDATA, me)
        cs_curl_easy_setopt_data_callback(h, CURLOPT_WRITEFUNCTION) { ptr, size, count, context in
            guard let context else { return 0 }
            let easy = Unmanaged<CurlEasy>.fromOpaque(context).takeUnretainedValue()
            return easy.receiveBody(UnsafeRawBufferPointer(start: ptr, count: size * count))
        }
        if r.redirectGuard != nil {
            // Called for every request of a redirect chain once its connection is made or reused,
            // with the address actually connected to, before anything is sent.
            cs_curl_easy_setopt_pointer(h, CURLOPT_PREREQDATA, me)
            cs_curl_easy_setopt_prereq_callback(h) { context, ip, _, port, _ in
                guard let context, let ip else { return CURL_PREREQFUNC_ABORT }
                let easy = Unmanaged<CurlEasy>.fromOpaque(context).takeUnretainedValue()
                return easy.admit(ip: String(cString: ip), port: Int(port)) ? CURL_PREREQFUNC_OK : CURL_PREREQFUNC_ABORT
            }
        }
        cs_curl_easy_setopt_pointer(h, CURLOPT_HEADERDATA, me)
        cs_curl_easy_setopt_data_callback(h, CURLOPT_HEADERFUNCTION) { ptr, size, count, context in
            guard let context else { return 0 }
            let easy = Unmanaged<CurlEasy>.fromOpaque(context).takeUnretainedValue()
            easy.receiveHeader(UnsafeRawBufferPointer(start: ptr, count: size * count))
            return size * count
        }
    }

    /// The redirect guard's verdict on the request about to be sent over a connection to `ip`:
    /// refused when the chain's previous request went to a public address and this one does not.
    private func admit(ip: String, port: Int) -> Bool {
        guard let rule = request.redirectGuard else { return true }
        var pointer: UnsafeMutablePointer<CChar>?
        _ = cs_curl_easy_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &pointer)
        let hop = ConnectedHop(url: pointer.map { String(cString: $0) } ?? request.url, ip: ip, port: port)
        if let from = lastHop, rule.isPublic(ip: from.ip, port: from.port), !rule.isPublic(ip: ip, port: port) {
            refusedRedirect = (from, hop)
            return false
        }
        lastHop = hop
        return true
    }

    /// A limit in seconds as libcurl's milliseconds; nil for none (0, negative, not a number).
    static func milliseconds(_ seconds: Double) -> Int? {
        guard seconds > 0 else { return nil }
        return Int(min(seconds, 1e9) * 1000)  // about 31 years: "no practical limit", and no overflow
    }

    /// Called before the handle is handed to libcurl: the attempt's clock starts here.
    func markStarted() { startedAt = monotonicSeconds() }

    private func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        if let max = request.maxBodyBytes, body.count + bytes.count > max {
            exceededLimit = true
            return 0  // anything but the full count makes libcurl abort with CURLE_WRITE_ERROR
        }
        body.append(contentsOf: bytes)
        receivedBytes = body.count
        return bytes.count
    }

    private func receiveHeader(_ bytes: UnsafeRawBufferPointer) {
        var line = Substring(String(decoding: bytes, as: UTF8.self))
        // "\r\n" is one Character in Swift: test for any newline, not for "\r" and "\n" apart.
        while let last = line.last, last.isNewline { line = line.dropLast() }
        if line.hasPrefix("HTTP/") {
            responseHeaders = []  // a new response (after a redirect or a 100 Continue) starts
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon])
        let value = String(line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" })
        responseHeaders.append((name, value))
    }

    /// Where a redirect response points (absolute), when libcurl was not following redirects itself.
    func redirectTarget() -> String? {
        var pointer: UnsafeMutablePointer<CChar>?
        guard cs_curl_easy_getinfo_string(handle, CURLINFO_REDIRECT_URL, &pointer) == CURLE_OK, let pointer else { return nil }
        return String(cString: pointer)
    }

    /// The outcome once libcurl reports the transfer done with `code`.
    func result(_ code: CURLcode) -> Result<HTTPResponse, HTTPError> {
        let elapsedMs = Int((monotonicSeconds() - startedAt) * 1000)
        var status = 0
        _ = cs_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var redirects = 0
        _ = cs_curl_easy_getinfo_long(handle, CURLINFO_REDIRECT_COUNT, &redirects)
        var urlPointer: UnsafeMutablePointer<CChar>?
        _ = cs_curl_easy_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &urlPointer)
        let finalURL = urlPointer.map { String(cString: $0) } ?? request.url
        if code == CURLE_OK {
            return .success(HTTPResponse(status: status, headers: responseHeaders, body: body, finalURL: finalURL,
                                         redirects: redirects, elapsedMs: elapsedMs))
        }
        return .failure(error(for: code, finalURL: finalURL, elapsedMs: elapsedMs))
    }

    private func error(for code: CURLcode, finalURL: String, elapsedMs: Int) -> HTTPError {
        var detail = String(cString: errorBuffer)
        if detail.isEmpty { detail = String(cString: curl_easy_strerror(code)) }
        let curlCode = Int(code.rawValue)
        var connectMicroseconds: curl_off_t = 0
        _ = cs_curl_easy_getinfo_off(handle, CURLINFO_CONNECT_TIME_T, &connectMicroseconds)
        let connected = connectMicroseconds > 0
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return HTTPError(.resolve, "cannot resolve host: \(detail)", curlCode: curlCode)
        case CURLE_COULDNT_CONNECT:
            return HTTPError(.connect, "cannot connect: \(detail)", curlCode: curlCode)
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return HTTPError(.connectionLost, "connection lost: \(detail)", curlCode: curlCode)
        case CURLE_OPERATION_TIMEDOUT where !connected && !request.url.lowercased().hasPrefix("file:"):
            return HTTPError(.connectTimeout, "no connection within \(elapsedMs) ms (connect limit \(formatSeconds(request.connectTimeout)) s): \(detail)", curlCode: curlCode)
        case CURLE_OPERATION_TIMEDOUT:
            return HTTPError(.timeout, "timed out after \(elapsedMs) ms (limit \(formatSeconds(request.timeout)) s, connect \(formatSeconds(request.connectTimeout)) s): \(detail)", curlCode: curlCode)
        case CURLE_FILESIZE_EXCEEDED:
            return HTTPError(.tooLarge, "body larger than \(request.maxBodyBytes ?? 0) bytes (declared length)", curlCode: curlCode)
        case CURLE_WRITE_ERROR where exceededLimit:
            return HTTPError(.tooLarge, "body larger than \(request.maxBodyBytes ?? 0) bytes (after decompression); aborted", curlCode: curlCode)
        case CURLE_TOO_MANY_REDIRECTS:
            return HTTPError(.tooManyRedirects, "more than \(request.maxRedirects) redirects (last: \(finalURL))", curlCode: curlCode)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS:
            return HTTPError(.tls, "TLS failed: \(detail)", curlCode: curlCode)
        case CURLE_FILE_COULDNT_READ_FILE, CURLE_REMOTE_FILE_NOT_FOUND:
            return HTTPError(.notFound, "cannot read: \(detail)", curlCode: curlCode)
        case CURLE_URL_MALFORMAT:
            return HTTPError(.invalidURL, "bad URL: \(detail)", curlCode: curlCode)
        case CURLE_UNSUPPORTED_PROTOCOL:
            return HTTPError(.invalidURL, "unsupported protocol or response: \(detail)", curlCode: curlCode)
        case CURLE_BAD_CONTENT_ENCODING:
            return HTTPError(.badEncoding, "cannot decode the body: \(detail)", curlCode: curlCode)
        case CURLE_ABORTED_BY_CALLBACK where refusedRedirect != nil:
            let (from, to) = refusedRedirect!
            return HTTPError(.redirectRefused, "redirect refused: \(from.url) (public address \(from.ip)) led to \(to.url) "
                             + "(\(to.ip), not a public address); --allow-private-redirects allows it", curlCode: curlCode)
        case CURLE_ABORTED_BY_CALLBACK:
            return HTTPError(.cancelled, "cancelled", curlCode: curlCode)
        default:
            return HTTPError(.other, detail, curlCode: curlCode)
        }
    }
}

func formatSeconds(_ s: Double) -> String {
    s == s.rounded() ? String(Int(s)) : String(s)
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
