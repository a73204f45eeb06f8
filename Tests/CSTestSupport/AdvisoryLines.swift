import Foundation

/// Builds cs.advisory/1 lines for tests: only the members cs-enrich reads need values.
public func recordLine(title: String = "Advisory", summary: String? = nil, text: String? = nil, html: String? = nil,
                tags: [String] = [], actors: [String] = [], cves: [String] = [], extra: [String: Any] = [:]) -> String {
    var r: [String: Any] = [
        "schema": "cs.advisory/1", "id": "test-1", "uid": "0123", "title": title, "url": NSNull(),
        "summary": summary ?? NSNull(), "content_html": html ?? NSNull(), "content_text": text ?? NSNull(),
        "tags": tags, "actors": actors, "cves": cves,
    ]
    for (k, v) in extra { r[k] = v }
    let data = try! JSONSerialization.data(withJSONObject: r, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}
