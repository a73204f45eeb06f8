import CSCore

/// A transfer that did not produce a complete response.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case resolve           // host name not found
        case connect           // connection refused or unreachable
        case connectionLost    // reset, closed early, nothing received
        case connectTimeout    // no connection within the connect timeout
        case timeout           // the whole transfer took longer than its timeout
        case tooLarge          // body over maxBodyBytes (decoded size)
        case tooManyRedirects
        case redirectRefused   // a redirect from a public address to a non-public one (RedirectGuard)
        case tls               // handshake or certificate verification
        case notFound          // file:// path missing or unreadable
        case invalidURL
        case badEncoding       // Content-Encoding could not be decoded
        case cancelled
        case other
    }

    public var kind: Kind
    public var message: String
    /// libcurl's CURLcode, for the curious (0 when the error did not come from libcurl).
    public var curlCode: Int

    public init(_ kind: Kind, _ message: String, curlCode: Int = 0) {
        self.kind = kind
        self.message = message
        self.curlCode = curlCode
    }

    public var description: String { message }

    /// The diagnostic code for this failure.
    public var code: StatusCode {
        switch kind {
        case .resolve, .connect, .connectionLost, .tls: return .unavailable
        case .timeout, .connectTimeout: return .deadlineExceeded
        case .tooLarge: return .resourceExhausted
        case .tooManyRedirects: return .failedPrecondition
        case .redirectRefused: return .permissionDenied
        case .notFound: return .notFound
        case .invalidURL: return .invalidArgument
        case .badEncoding: return .dataLoss
        case .cancelled: return .cancelled
        case .other: return .unknown
        }
    }

    /// Connection-level failures that another attempt may well get past.
    public var isRetryable: Bool {
        switch kind {
        case .resolve, .connect, .connectTimeout, .connectionLost: return true
        default: return false
        }
    }
}
