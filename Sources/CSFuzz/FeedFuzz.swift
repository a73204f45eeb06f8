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
        var serialized: [[UInt8]] = []
        var failed = false
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
                serialized.append(record.bytes)
            })
        } catch {
            failed = true
            if finding == nil, error.message.isEmpty { finding = "a FeedError without a message" }
        }
        if finding == nil, startsLikeJSON(input) { finding = streamFinding(input, source: source, whole: serialized, wholeFailed: failed) }
        return finding
    }

    /// A JSON Feed read as a pipe delivers it (a few bytes at a time, never twice) must give the records
    /// the whole document gives, unless an issue says the pipe's order rules applied.
    static func streamFinding(_ input: UnsafeRawBufferPointer, source: FeedSource, whole: [[UInt8]], wholeFailed: Bool) -> String? {
        var streamed: [[UInt8]] = []
        var streamFailed = false
        var orderRules = false
        var finding: String?
        do {
            try FeedParser.parseJSONFeedStream(input, chunk: 1 + input.count % 13, source: source, report: { issue in
                if issue.message.contains("cannot be read twice") { orderRules = true }
                if finding == nil, issue.message.isEmpty { finding = "stream: an issue without a message (\(issue.code))" }
            }, emit: { record in
                if finding == nil, let problem = RecordInvariants.problem(in: record.json) {
                    finding = "stream record \(streamed.count + 1): \(problem)"
                }
                streamed.append(record.bytes)
            })
        } catch {
            streamFailed = true
            if finding == nil, error.message.isEmpty { finding = "stream: a FeedError without a message" }
        }
        if finding == nil, !orderRules, streamed != whole || streamFailed != wholeFailed {
            finding = "read as a stream: \(streamed.count) records\(streamFailed ? ", failed" : ""); whole: \(whole.count)\(wholeFailed ? ", failed" : "")"
        }
        return finding
    }

    /// `{` first, after a UTF-8 byte-order mark and whitespace.
    static func startsLikeJSON(_ d: UnsafeRawBufferPointer) -> Bool {
        var i = d.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while i < d.count, d[i] == 0x20 || d[i] == 0x09 || d[i] == 0x0A || d[i] == 0x0D { i += 1 }
        return i < d.count && d[i] == UInt8(ascii: "{")
    }
}

extension FeedFuzz {
    /// The record invariants applied to one JSON text (tests show they are not vacuous).
    public static func recordProblem(_ text: String) -> String? {
        guard let record = try? JSON.parse(text) else { return "not JSON" }
        return RecordInvariants.problem(in: record)
    }
}
