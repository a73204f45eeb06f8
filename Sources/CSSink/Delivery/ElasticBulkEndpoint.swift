import CSCore
import CSHTTP

/// `elastic+https://HOST:PORT/INDEX`: Elasticsearch's `_bulk` API with ECS documents. Each record
/// is an `index` action with `_id` = its uid, so a batch sent twice (a retry after a lost answer)
/// replaces the same documents instead of adding copies.
///
/// A 200 answer may still refuse some items: each item's status decides. 2xx delivered; 429 and
/// 5xx sent again; other 4xx (a mapping conflict, a document too large) rejected with the item's
/// `error.type` and `error.reason`.
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
            return (itemVerdicts(response, part), false)
        }
    }

    /// Per-item outcome of a 2xx bulk answer. Items are matched by position (the API keeps the
    /// order of actions) and checked by `_id`; an item missing from the answer is sent again.
    private func itemVerdicts(_ response: HTTPResponse, _ part: [PendingRecord]) -> [RecordVerdict] {
        guard let json = try? response.body.withUnsafeBytes({ buf throws(JSONParseError) in try JSON.parse(buf) }),
              json.kind == .object else {
            return Array(repeating: .retry(.dataLoss, "bulk answer is not JSON: " + HTTPPoster.snippet(response.body), after: nil), count: part.count)
        }
        if json["errors"]?.boolValue == false { return Array(repeating: .delivered, count: part.count) }
        let items = json["items"]?.elements ?? []
        return part.indices.map { i in
            guard i < items.count, let item = items[i].members.first?.value, item.kind == .object else {
                return .retry(.dataLoss, "bulk answer lists no result for this document", after: nil)
            }
            if let id = item["_id"]?.stringValue, let uid = part[i].uid, id != uid {
                return .retry(.dataLoss, "bulk answer out of order (item \(i) is \(id))", after: nil)
            }
            let status = item["status"]?.intValue ?? 0
            if (200..<300).contains(status) { return .delivered }
            let reason = "Elasticsearch refused the document: \(status)" + ElasticBulkEndpoint.describe(item["error"])
            if status == 429 || (500..<600).contains(status) { return .retry(HTTPStatus.code(for: status), reason, after: nil) }
            return .rejected(HTTPStatus.code(for: status), reason)
        }
    }

    /// `error: {type, reason}` as " type: reason".
    static func describe(_ error: JSON?) -> String {
        guard let error else { return "" }
        if let s = error.stringValue { return " " + s }
        let type = error["type"]?.stringValue ?? "error"
        let reason = error["reason"]?.stringValue ?? ""
        return " \(type)" + (reason.isEmpty ? "" : ": \(reason)")
    }

    /// The error of a request refused as a whole (`{"error": {...}, "status": 401}`).
    static func errorText(_ body: [UInt8]) -> String {
        if let json = try? body.withUnsafeBytes({ buf throws(JSONParseError) in try JSON.parse(buf) }), json.kind == .object, json["error"] != nil {
            return ":" + describe(json["error"])
        }
        return body.isEmpty ? "" : ": " + HTTPPoster.snippet(body)
    }
}
