import CSCore
import CSHTTP

/// `elastic+https://HOST:PORT/INDEX`: Elasticsearch's `_bulk` API with ECS documents. Each record
/// is an `index` action with `_id` = its uid, so a batch sent twice (a retry after a lost answer)
/// replaces the same documents instead of adding copies.
///
/// A 200 answer may still refuse some items, and is checked item by item (`ElasticBulkAnswer`):
/// 2xx delivered (created or updated); 429 and 5xx sent again; other 4xx (a mapping conflict, a
/// document too large) rejected with the item's `error.type` and `error.reason`; an answer that
/// does not confirm a document rejects it.
final class ElasticBulkEndpoint: DeliveryEndpoint {
    let poster: HTTPPoster
    let index: String
    private let now = RFC3339.now()

    init(target: NetworkTarget, options: DeliveryOptions) {
        poster = HTTPPoster(url: target.url, contentType: "application/x-ndjson",
                            authorization: options.token.map { "ApiKey " + $0 }, options: options)
        index = target.index ?? ""
    }

    func payload(_ line: UnsafeBufferPointer<UInt8>, _ scanner: RecordScanner) -> Result<[UInt8], EncodeError> {
        guard let uid = scanner.value("uid")?.string, !uid.isEmpty else {
            return .failure(EncodeError(.invalidArgument, "record has no uid (Elasticsearch documents are keyed by it)"))
        }
        let meta = JSON.object()
        meta.set("_index", .string(index))
        meta.set("_id", .string(uid))
        let action = JSON.object()
        action.set("index", meta)
        var out = action.serialized()
        out.append(0x0A)
        out.append(contentsOf: ECSFormatter.document(line, scanner, now: now))
        out.append(0x0A)
        return .success(out)
    }

    func attempt(_ batch: [PendingRecord]) -> [RecordVerdict] {
        splittingOnTooLarge(batch) { part in
            var body: [UInt8] = []
            for r in part { body.append(contentsOf: r.payload) }
            let result = poster.post(body)
            if case .success(let response) = result, response.status == 413 { return ([], true) }
            if let whole = HTTPPoster.wholeRequestVerdict(result, detail: { ElasticBulkEndpoint.errorText($0.body) }) {
                return (Array(repeating: whole, count: part.count), false)
            }
            guard case .success(let response) = result else { return ([], false) }
            return (ElasticBulkAnswer.verdicts(response.body, for: part), false)
        }
    }

    /// `error: {type, reason}` as " type: reason" (the server's text, control characters as spaces).
    static func describe(_ error: JSON?) -> String {
        guard let error else { return "" }
        if let s = error.stringValue { return " " + ControlCharacters.spaced(s) }
        let type = error["type"]?.stringValue ?? "error"
        let reason = error["reason"]?.stringValue ?? ""
        return ControlCharacters.spaced(" \(type)" + (reason.isEmpty ? "" : ": \(reason)"))
    }

    /// The error of a request refused as a whole (`{"error": {...}, "status": 401}`).
    static func errorText(_ body: [UInt8]) -> String {
        if let json = try? body.withUnsafeBytes({ buf throws(JSONParseError) in try JSON.parse(buf) }), json.kind == .object, json["error"] != nil {
            return ":" + describe(json["error"])
        }
        return body.isEmpty ? "" : ": " + HTTPPoster.snippet(body)
    }
}
