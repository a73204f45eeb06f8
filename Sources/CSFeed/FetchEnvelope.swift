import CSCore

/// One `cs.fetch/1` line from `cs-fetch --raw`: a fetched document and how it was fetched.
struct FetchEnvelope {
    static let schema = "cs.fetch/1"

    let url: String
    let status: Int?
    let body: [UInt8]
    let source: FeedSource

    init(line: UnsafeBufferPointer<UInt8>) throws(FeedError) {
        let o: JSON
        do { o = try JSON.parse(UnsafeRawBufferPointer(line)) } catch {
            throw FeedError(.invalidArgument, "invalid \(Self.schema) envelope: \(error.description)")
        }
        guard let url = o["url"]?.stringValue else {
            throw FeedError(.invalidArgument, "\(Self.schema) envelope without a \"url\" string")
        }
        guard let bodyValue = o["body"], let body = bodyValue.stringValue else {
            throw FeedError(.invalidArgument, "\(url): envelope without a \"body\" string")
        }
        self.url = url
        status = o["status"]?.intValue
        switch o["body_encoding"]?.stringValue ?? "utf-8" {
        case "utf-8", "utf8", "text":
            self.body = Array(body.utf8)
        case "base64":
            guard let decoded = Base64Decoder.decode(body.utf8) else {
                throw FeedError(.invalidArgument, "\(url): body_encoding is base64 but the body is not valid base64")
            }
            self.body = decoded
        case let other:
            throw FeedError(.invalidArgument, "\(url): unknown body_encoding \"\(other)\" (expected utf-8 or base64)")
        }
        let finalURL = o["final_url"]?.stringValue
        source = FeedSource(url: (finalURL?.isEmpty == false ? finalURL : nil) ?? url,
                            contentType: o["content_type"]?.stringValue,
                            fetchedAt: o["fetched_at"]?.stringValue)
    }
}
