import CSCore
import CSHTTP

/// `--raw`: the fetched document as a `cs.fetch/1` envelope, for cs-normalize or other tools.
enum FetchEnvelope {
    static let schema = "cs.fetch/1"

    static func make(url: String, response: HTTPResponse, fetchedAt: String) -> JSON {
        let o = JSON.object()
        o.set("schema", .string(schema))
        o.set("url", .string(url))
        o.set("final_url", .string(response.finalURL))
        o.set("status", response.status == 0 ? .null : .int(response.status))
        o.set("fetched_at", .string(fetchedAt))
        o.set("etag", string: response.header("ETag"))
        o.set("last_modified", string: response.header("Last-Modified"))
        o.set("content_type", string: response.contentType)
        if let text = String(validating: response.body, as: UTF8.self) {
            o.set("body", .string(text))
            o.set("body_encoding", .string("utf-8"))
        } else {
            o.set("body", .string(Base64.encode(response.body)))
            o.set("body_encoding", .string("base64"))
        }
        return o
    }
}
