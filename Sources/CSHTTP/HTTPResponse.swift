import CSCore

/// A completed exchange: whatever the status, the server answered. Transport failures are `HTTPError`.
public struct HTTPResponse: Sendable {
    /// The HTTP status of the last response (after redirects); 0 for file:// (no HTTP status).
    public var status: Int
    /// Headers of the last response, in order, names as sent.
    public var headers: [(name: String, value: String)]
    /// The body, decoded from its Content-Encoding.
    public var body: [UInt8]
    /// The URL after redirects.
    public var finalURL: String
    public var redirects: Int
    /// Time from start to the end of the transfer, in milliseconds (the last attempt).
    public var elapsedMs: Int

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8], finalURL: String, redirects: Int, elapsedMs: Int) {
        self.status = status
        self.headers = headers
        self.body = body
        self.finalURL = finalURL
        self.redirects = redirects
        self.elapsedMs = elapsedMs
    }

    /// The first header with this name (case-insensitive), trimmed.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    public var contentType: String? { header("Content-Type") }
    public var isSuccess: Bool { status == 0 || (200..<300).contains(status) }
}

/// What an HTTP status means as a diagnostic code (gRPC's own HTTP-to-status mapping, refined).
public enum HTTPStatus {
    public static func code(for status: Int) -> StatusCode {
        switch status {
        case 200..<400: return .ok
        case 400, 422: return .invalidArgument
        case 401: return .unauthenticated
        case 403: return .permissionDenied
        case 404, 410: return .notFound
        case 408: return .deadlineExceeded
        case 413, 429: return .resourceExhausted
        case 412: return .failedPrecondition
        case 500..<600: return .unavailable
        default: return .unknown
        }
    }

    /// The standard reason phrase ("Not Found"), for messages (HTTP/2 carries none on the wire).
    public static func phrase(for status: Int) -> String? {
        switch status {
        case 300: "Multiple Choices"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 402: "Payment Required"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 407: "Proxy Authentication Required"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 410: "Gone"
        case 412: "Precondition Failed"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 451: "Unavailable For Legal Reasons"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: nil
        }
    }

    /// Statuses worth another attempt: rate limiting and server-side failures.
    public static func isRetryable(_ status: Int) -> Bool {
        status == 429 || status == 408 || (500..<600).contains(status) && status != 501 && status != 505
    }
}
