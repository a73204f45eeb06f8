import CSCore
import CSHTTP

/// `http(s)://...`: a generic webhook. Without `--batch`, each POST carries one JSON object (the
/// record, or its ecs/splunk form); with `--batch N`, a JSON array of up to N of them.
final class WebhookEndpoint: DeliveryEndpoint {
    let poster: HTTPPoster
    let format: SinkFormat
    let arrays: Bool
    private let now = RFC3339.now()

    init(target: NetworkTarget, format: SinkFormat, arrays: Bool, options: DeliveryOptions) {
        poster = HTTPPoster(url: target.url, contentType: "application/json",
                            authorization: options.token.map { "Bearer " + $0 }, options: options)
        self.format = format
        self.arrays = arrays
    }

    func payload(_ line: UnsafeBufferPointer<UInt8>, _ scanner: RecordScanner) -> Result<[UInt8], EncodeError> {
        switch format {
        case .ecs: return .success(ECSFormatter.document(line, scanner, now: now))
        case .splunk: return .success(SplunkFormatter.envelope(line, scanner))
        default: return .success(Array(line))
        }
    }

    func attempt(_ batch: [PendingRecord]) -> [RecordVerdict] {
        splittingOnTooLarge(batch) { part in
            var body: [UInt8] = []
            if arrays { body.append(UInt8(ascii: "[")) }
            for (i, r) in part.enumerated() {
                if i > 0 { body.append(UInt8(ascii: ",")) }
                body.append(contentsOf: r.payload)
            }
            if arrays { body.append(UInt8(ascii: "]")) }
            let result = poster.post(body)
            if case .success(let response) = result, response.status == 413 { return ([], true) }
            let verdict = HTTPPoster.wholeRequestVerdict(result) { ": " + HTTPPoster.snippet($0.body) } ?? .delivered
            return (Array(repeating: verdict, count: part.count), false)
        }
    }
}
