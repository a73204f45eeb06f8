import CSCore

/// One `cs.fetch/1` line: a fetched document and how it was fetched. cs-fetch --raw writes it
/// (`record(...)`), cs-normalize reads it (`init(line:)`); the schema string, the field names and the
/// body's encoding live here only.
public struct FetchEnvelope {
    public static let schema = "cs.fetch/1"

    /// The member names of an envelope.
    enum Field {
        static let schema = "schema", url = "url", finalURL = "final_url", status = "status"
        static let fetchedAt = "fetched_at", etag = "etag", lastModified = "last_modified"
        static let contentType = "content_type", body = "body", bodyEncoding = "body_encoding"
    }

    let url: String
    let status: Int?
    let body: [UInt8]
    let source: FeedSource

    /// The envelope of one response: a UTF-8 body as it is, any other body in base64.
    /// `status` 0 (no HTTP status: file: URLs) is written as null.
    public static func record(url: String, finalURL: String, status: Int, fetchedAt: String, etag: String?,
                              lastModified: String?, contentType: String?, body: [UInt8]) -> JSON {
        let o = JSON.object()
        o.set(Field.schema, .string(schema))
        o.set(Field.url, .string(url))
        o.set(Field.finalURL, .string(finalURL))
        o.set(Field.status, status == 0 ? .null : .int(status))
        o.set(Field.fetchedAt, .string(fetchedAt))
        o.set(Field.etag, string: etag)
        o.set(Field.lastModified, string: lastModified)
        o.set(Field.contentType, string: contentType)
        if let text = String(validating: body, as: UTF8.self) {
            o.set(Field.body, .string(text))
            o.set(Field.bodyEncoding, .string("utf-8"))
        } else {
            o.set(Field.body, .string(Base64.encode(body)))
            o.set(Field.bodyEncoding, .string("base64"))
        }
        return o
    }

    init(line: UnsafeBufferPointer<UInt8>) throws(FeedError) {
        let o: JSON
        do { o = try JSON.parse(UnsafeRawBufferPointer(line)) } catch {
            throw FeedError(.invalidArgument, "invalid \(Self.schema) envelope: \(error.description)")
        }
        guard let url = o[Field.url]?.stringValue else {
            throw FeedError(.invalidArgument, "\(Self.schema) envelope without a \"\(Field.url)\" string")
        }
        guard let bodyValue = o[Field.body], let body = bodyValue.stringValue else {
            throw FeedError(.invalidArgument, "\(url): envelope without a \"\(Field.body)\" string")
        }
        self.url = url
        status = o[Field.status]?.intValue
        switch o[Field.bodyEncoding]?.stringValue ?? "utf-8" {
        case "utf-8", "utf8", "text":
            self.body = Array(body.utf8)
        case "base64":
            guard let decoded = Base64.decode(body.utf8) else {
                throw FeedError(.invalidArgument, "\(url): \(Field.bodyEncoding) is base64 but the body is not valid base64")
            }
            self.body = decoded
        case let other:
            throw FeedError(.invalidArgument, "\(url): unknown \(Field.bodyEncoding) \"\(other)\" (expected utf-8 or base64)")
        }
        let finalURL = o[Field.finalURL]?.stringValue
        source = FeedSource(url: (finalURL?.isEmpty == false ? finalURL : nil) ?? url,
                            contentType: o[Field.contentType]?.stringValue,
                            fetchedAt: o[Field.fetchedAt]?.stringValue)
    }
}
