import CSCore
import CSFeed

/// FeedParser.parse on arbitrary bytes (XML and JSON feeds). Throwing FeedError is a valid outcome; every
/// record it emits must keep the cs.advisory/1 invariants (RecordInvariants).
public enum FeedFuzz {
    /// HTTP Content-Types the document may come with (their charset counts), chosen by the input's length
    /// so that the fuzzer reaches every one while each input still parses the same way every time.
    static let contentTypes: [String?] = [
        nil, "application/rss+xml; charset=windows-1252", "text/xml; charset=utf-16", "application/xml; charset=ISO-8859-2",
        "application/feed+json; charset=utf-8", "text/xml; charset=no-such-charset", "text/html",
    ]

    public static func check(_ input: UnsafeRawBufferPointer) -> String? {
        let source = FeedSource(url: "https://fuzz.example/feeds/a.xml", contentType: contentTypes[input.count % contentTypes.count],
                                fetchedAt: "2026-01-02T03:04:05Z")
        var finding: String? = nil
        var records = 0
        do {
            try FeedParser.parse(input, source: source, report: { issue in
                if finding == nil, issue.message.isEmpty { finding = "an issue without a message (\(issue.code))" }
            }, emit: { record in
                records += 1
                // Records are written as bytes; jansson must read them back and write the same bytes.
                let json = record.json
                if finding == nil, json.serialized() != record.bytes {
                    finding = "record \(records): its bytes differ from jansson's serialization of them"
                }
                if finding == nil, let problem = RecordInvariants.problem(in: json) {
                    finding = "record \(records): \(problem)"
                }
            })
        } catch {
            if finding == nil, error.message.isEmpty { finding = "a FeedError without a message" }
        }
        return finding
    }
}

extension FeedFuzz {
    /// The record invariants applied to one JSON text (tests show they are not vacuous).
    public static func recordProblem(_ text: String) -> String? {
        guard let record = try? JSON.parse(text) else { return "not JSON" }
        return RecordInvariants.problem(in: record)
    }
}
