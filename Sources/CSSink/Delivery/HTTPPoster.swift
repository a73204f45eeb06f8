import CSCore
import CSHTTP

/// Sends one POST through the shared libcurl client (no retries there: `Deliverer` decides) and
/// turns what happened to the whole request into verdicts; the endpoints refine 2xx and 4xx bodies.
final class HTTPPoster {
    let url: String
    let client: HTTPClient
    private let headers: [(name: String, value: String)]
    private let secretNames: Set<String>
    private let options: DeliveryOptions

    init(url: String, contentType: String, authorization: String?, options: DeliveryOptions) {
        self.url = url
        self.options = options
        client = HTTPClient(parallel: 1, perHost: 1, retry: .none)
        var headers: [(name: String, value: String)] = [("Content-Type", contentType), ("Accept", "application/json")]
        var secrets: Set<String> = []
        if let authorization {
            headers.append(("Authorization", authorization))
            secrets.insert("authorization")
        }
        for h in options.headers {
            headers.append((h.name, h.value))
            if h.secret { secrets.insert(h.name.lowercased()) }
        }
        self.headers = headers
        secretNames = secrets
    }

    func post(_ body: [UInt8]) -> Result<HTTPResponse, HTTPError> {
        let request = HTTPRequest(url: url, method: "POST", headers: headers, body: body, timeout: options.timeout,
                                  connectTimeout: min(options.timeout, 10), followRedirects: false, acceptEncoding: true,
                                  userAgent: "cs-sink/\(CSVersion.string)", insecure: options.insecure,
                                  caBundlePath: options.caFile, sensitiveHeaders: secretNames)
        return client.perform(request).result
    }

    /// The verdict for every record of a request that failed as a whole: transport errors and
    /// timeouts are retried (a timed-out request may have arrived: at-least-once), as are 408, 429
    /// and 5xx (honouring Retry-After); other statuses are final.
    static func wholeRequestVerdict(_ result: Result<HTTPResponse, HTTPError>, label: String = "HTTP", detail: (HTTPResponse) -> String) -> RecordVerdict? {
        switch result {
        case .failure(let error):
            switch error.kind {
            case .resolve, .connect, .connectionLost, .connectTimeout, .timeout:
                return .retry(error.code, error.message, after: nil)
            default:
                return .rejected(error.code, error.message)
            }
        case .success(let response):
            if (200..<300).contains(response.status) { return nil }
            let reason = "\(label) \(response.status)\(detail(response))"
            if HTTPStatus.isRetryable(response.status) {
                let after = response.header("Retry-After").flatMap { RetryAfter.seconds($0, now: Int(WallClock.now())) }.map(Double.init)
                return .retry(HTTPStatus.code(for: response.status), reason, after: after)
            }
            return .rejected(HTTPStatus.code(for: response.status), reason)
        }
    }

    /// The start of a response body as one line of text, for diagnostics (control characters,
    /// C1 included, as spaces: stderr is often a terminal).
    static func snippet(_ body: [UInt8], limit: Int = 200) -> String {
        ControlCharacters.spaced(String(decoding: body.prefix(limit), as: UTF8.self)).trimmingSpaces + (body.count > limit ? "…" : "")
    }
}

/// Sends a batch whose request was refused as too large (413) again in halves, down to single
/// records, which are then rejected: a server's size limit costs requests, never records.
func splittingOnTooLarge(_ batch: [PendingRecord], _ send: ([PendingRecord]) -> (verdicts: [RecordVerdict], tooLarge: Bool)) -> [RecordVerdict] {
    let (verdicts, tooLarge) = send(batch)
    guard tooLarge else { return verdicts }
    guard batch.count > 1 else {
        return [.rejected(.resourceExhausted, "HTTP 413: the record alone is larger than the server accepts")]
    }
    let half = batch.count / 2
    return splittingOnTooLarge(Array(batch[..<half]), send) + splittingOnTooLarge(Array(batch[half...]), send)
}
