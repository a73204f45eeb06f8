import CSCore
import CSHTTP

/// `splunk-hec+https://HOST:PORT`: Splunk's HTTP Event Collector. A batch is the records' event
/// envelopes concatenated in one POST to /services/collector/event with `Authorization: Splunk TOKEN`.
///
/// HEC answers `{"text": "...", "code": N}`. Success is a 2xx with `{"text": "Success", "code": 0}`;
/// any other 2xx body (HTML from a proxy, an empty body, another code) confirms nothing and the
/// batch is rejected (dead-lettered). For a malformed event (code 6) it
/// adds `invalid-event-number`: the events before it were indexed, that one is rejected, and the
/// ones after it are sent again. Token and index errors (codes 1-4, 7...) reject the batch; 429,
/// 503 (code 9, "Server is busy") and other 5xx are retried.
final class SplunkHECEndpoint: DeliveryEndpoint {
    let poster: HTTPPoster

    init(target: NetworkTarget, options: DeliveryOptions) {
        poster = HTTPPoster(url: target.url, contentType: "application/json",
                            authorization: options.token.map { "Splunk " + $0 }, options: options)
    }

    func payload(_ line: UnsafeBufferPointer<UInt8>, _ scanner: RecordScanner) -> Result<[UInt8], EncodeError> {
        .success(SplunkFormatter.envelope(line, scanner))
    }

    func attempt(_ batch: [PendingRecord]) -> [RecordVerdict] {
        splittingOnTooLarge(batch) { part in
            var body: [UInt8] = []
            for r in part {
                body.append(contentsOf: r.payload)
                body.append(0x0A)
            }
            let result = poster.post(body)
            guard case .success(let response) = result else {
                return (Array(repeating: HTTPPoster.wholeRequestVerdict(result, detail: { _ in "" })!, count: part.count), false)
            }
            if response.status == 413 { return ([], true) }
            let answer = HECAnswer(response.body)
            if (200..<300).contains(response.status) {
                // Only HEC's own success answer confirms indexing: a proxy's or a login page's 200 does not.
                let verdict: RecordVerdict = answer.confirmsSuccess ? .delivered
                    : .rejected(.dataLoss, "Splunk HEC \(response.status) does not confirm the events (expected {\"text\":\"Success\",\"code\":0})"
                                + (answer.isJSON ? answer.description : ": " + HTTPPoster.snippet(response.body)))
                return (Array(repeating: verdict, count: part.count), false)
            }
            let reason = "Splunk HEC \(response.status)" + answer.description
            if answer.code == 6, let bad = answer.invalidEvent, bad >= 0, bad < part.count {
                // Events before the invalid one were indexed; the rest were not looked at.
                var verdicts = [RecordVerdict](repeating: .delivered, count: bad)
                verdicts.append(.rejected(.invalidArgument, reason))
                verdicts += Array(repeating: .resend, count: part.count - bad - 1)
                return (verdicts, false)
            }
            let verdict = HTTPPoster.wholeRequestVerdict(result, label: "Splunk HEC") { _ in answer.description }
                ?? .rejected(.internal, reason)
            return (Array(repeating: verdict, count: part.count), false)
        }
    }
}

/// HEC's response body: `{"text":"Invalid data format","code":6,"invalid-event-number":2}`.
struct HECAnswer: CustomStringConvertible {
    var text: String?
    var code: Int?
    var invalidEvent: Int?
    /// The body was a JSON object.
    var isJSON = false

    init(_ body: [UInt8]) {
        guard let json = try? body.withUnsafeBytes({ buf throws(JSONParseError) in try JSON.parse(buf) }), json.kind == .object else { return }
        isJSON = true
        text = json["text"]?.stringValue.map { ControlCharacters.spaced($0) }   // shown in diagnostics
        code = json["code"]?.intValue
        invalidEvent = json["invalid-event-number"]?.intValue
    }

    /// HEC's answer for an indexed batch.
    var confirmsSuccess: Bool { code == 0 && text == "Success" }

    var description: String {
        switch (text, code) {
        case let (t?, c?): return ": \(t) (code \(c))"
        case let (t?, nil): return ": \(t)"
        case let (nil, c?): return ": code \(c)"
        default: return ""
        }
    }
}
