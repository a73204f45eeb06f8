import CSCore
import CSTestSupport
import Foundation
import XCTest
import CSFeed

/// What parsing one document produced.
struct ParseResult {
    var records: [JSON] = []
    var issues: [FeedIssue] = []
    var error: FeedError?

    var only: JSON? { records.count == 1 ? records[0] : nil }
    func issues(_ code: StatusCode) -> [FeedIssue] { issues.filter { $0.code == code } }
}

func parseFeed(_ text: String, source: FeedSource = FeedSource()) -> ParseResult {
    parseFeed(Array(text.utf8), source: source)
}

func parseFeed(_ bytes: [UInt8], source: FeedSource = FeedSource()) -> ParseResult {
    var result = ParseResult()
    do {
        try FeedParser.parse(bytes, source: source, report: { result.issues.append($0) }, emit: { record in
            // Records are written as bytes (JSONBytesWriter): jansson must read them back to the same bytes,
            // and the uid carried beside them must be the record's.
            let json = record.json
            XCTAssertEqual(json.serialized(), record.bytes, "record bytes differ from jansson's serialization: \(json.text)")
            XCTAssertEqual(json["uid"]?.stringValue, record.uid)
            result.records.append(json)
        })
    } catch {
        result.error = error
    }
    return result
}

/// The record fields of cs.advisory/1, in order.
let advisoryFields = ["schema", "id", "uid", "title", "url", "summary", "content_html", "content_text", "published",
                      "modified", "authors", "tags", "severity", "severities", "type", "actors", "cves", "vendors",
                      "products", "exploited", "sections", "source", "extensions"]

extension JSON {
    func str(_ key: String) -> String? { self[key]?.stringValue }
    func strs(_ key: String) -> [String] { self[key]?.stringElements ?? [] }
    func path(_ keys: String...) -> JSON? {
        var v: JSON? = self
        for k in keys { v = v?[k] }
        return v
    }
}

/// The repository root and ../shared next to it (CSTestSupport's Repository; `requireShared` reaches ../shared).
enum TestPaths {
    static let repoRoot = Repository.root
    static let shared = Repository.shared
}
