import CSCore
import CSHTTP

/// Reads a 2xx `_bulk` answer against the actions that were sent, trusting nothing it does not
/// say: the API answers with one item per action, in the actions' order, each naming the action
/// (`index`), the document's `_id` and its own `status`. `"errors": false` alone confirms nothing.
///
/// An answer that is not JSON, has no `items` list, or lists another number of items than actions
/// were sent confirms none of the batch; an item for another `_id`, another action or without a
/// status confirms nothing about its document. Unconfirmed documents are rejected (dead-lettered
/// with the reason, DATA_LOSS): `_id` is the uid, so sending them again cannot duplicate.
enum ElasticBulkAnswer {
    static func verdicts(_ body: [UInt8], for part: [PendingRecord]) -> [RecordVerdict] {
        guard let json = try? body.withUnsafeBytes({ buf throws(JSONParseError) in try JSON.parse(buf) }), json.kind == .object else {
            return unconfirmed(part, "the bulk answer is not JSON: " + HTTPPoster.snippet(body))
        }
        guard let items = json["items"], items.kind == .array else {
            return unconfirmed(part, "the bulk answer has no items list: " + HTTPPoster.snippet(body))
        }
        guard items.count == part.count else {
            return unconfirmed(part, "the bulk answer lists \(items.count) item\(items.count == 1 ? "" : "s") for \(part.count) document\(part.count == 1 ? "" : "s") sent")
        }
        return zip(part, items.elements).enumerated().map { i, pair in verdict(pair.1, for: pair.0, at: i) }
    }

    /// One item: `{"index": {"_id": UID, "status": 201, "result": "created", "error": {...}}}`.
    static func verdict(_ entry: JSON, for record: PendingRecord, at i: Int) -> RecordVerdict {
        let members = entry.members
        guard members.count == 1, members[0].key == "index", members[0].value.kind == .object else {
            return .rejected(.dataLoss, "bulk answer item \(i) is not the result of an index action: \(HTTPPoster.snippet(entry.serialized()))")
        }
        let item = members[0].value
        guard let id = item["_id"]?.stringValue, id == record.uid else {
            let named = item["_id"]?.stringValue.map { "_id \($0)" } ?? "no _id"
            return .rejected(.dataLoss, "bulk answer item \(i) has \(named), not this document's")
        }
        guard let status = item["status"]?.intValue else {
            return .rejected(.dataLoss, "bulk answer item \(i) has no status")
        }
        if (200..<300).contains(status) {
            switch item["result"]?.stringValue {
            case "created": return .created
            case "updated": return .updated
            default: return .delivered
            }
        }
        let reason = "Elasticsearch refused the document: \(status)" + ElasticBulkEndpoint.describe(item["error"])
        if status == 429 || (500..<600).contains(status) { return .retry(HTTPStatus.code(for: status), reason, after: nil) }
        return .rejected(HTTPStatus.code(for: status), reason)
    }

    static func unconfirmed(_ part: [PendingRecord], _ why: String) -> [RecordVerdict] {
        Array(repeating: .rejected(.dataLoss, "not confirmed: " + why), count: part.count)
    }
}
