import CSCore
import CSTestSupport
import Foundation
import XCTest
import CSFeed

/// gofeed's translator goldens (../shared/conformance/gofeed/translator): each input document is parsed
/// by CSFeed and the item fields that map onto cs.advisory/1 are compared with gofeed's output.
/// Mapped: title, link → url, guid → id, published/updated (parsed) → published/modified, authors
/// (name, email), categories → tags (canonical, their text without markup), content → content_html, feedType/feedVersion → source.format.
final class GofeedConformanceTests: XCTestCase {
    struct Tally {
        var passed = 0
        var failed: [String] = []
        var byField: [String: (pass: Int, total: Int)] = [:]
        mutating func check(_ field: String, _ ok: Bool, _ what: @autoclosure () -> String) {
            byField[field, default: (0, 0)].total += 1
            if ok { passed += 1; byField[field]!.pass += 1 } else { failed.append(what()) }
        }
        var total: Int { passed + failed.count }
    }

    func testTranslatorGoldens() throws {
        let root = try requireShared("conformance/gofeed/translator")
        var tally = Tally()
        var documents = 0
        for dir in ["rss", "atom", "json"] {
            let folder = root.appendingPathComponent(dir)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()) ?? []
            for name in names {
                let input: URL, golden: URL
                if dir == "json" {
                    guard name.hasSuffix(".json"), !name.hasSuffix("_expected.json") else { continue }
                    input = folder.appendingPathComponent(name)
                    golden = folder.appendingPathComponent(String(name.dropLast(5)) + "_expected.json")
                } else {
                    guard name.hasSuffix(".xml") else { continue }
                    input = folder.appendingPathComponent(name)
                    golden = folder.appendingPathComponent(String(name.dropLast(4)) + ".json")
                }
                guard let expected = try? JSONSerialization.jsonObject(with: Data(contentsOf: golden)) as? [String: Any] else { continue }
                documents += 1
                compare(document: try Data(contentsOf: input), expected: expected, label: "\(dir)/\(name)", tally: &tally)
            }
        }
        XCTAssertGreaterThan(documents, 90)
        let rate = Double(tally.passed) / Double(max(1, tally.total)) * 100
        print("gofeed translator conformance: \(tally.passed)/\(tally.total) mapped item fields (\(String(format: "%.1f", rate))%) over \(documents) documents")
        for (field, t) in tally.byField.sorted(by: { $0.key < $1.key }) { print("  \(field): \(t.pass)/\(t.total)") }
        for f in tally.failed { print("  MISMATCH \(f)") }
        XCTAssertGreaterThanOrEqual(rate, 95.0, "conformance fell below 95%")
    }

    /// HTML as the text cs gives for it (summaries), nil when there is none.
    static func htmlText(_ html: String) -> String? {
        let text = HTMLTextExtractor().extract(html).text
        return text.isEmpty ? nil : text
    }

    /// A category as cs reads it: its text, markup dropped (gofeed keeps `<p>Item Category 1</p>` as
    /// written; cs, like feedparser, tags `Item Category 1`), as descriptions are compared by their text.
    static func categoryText(_ category: String) -> String {
        category.contains("<") ? textOf(category) : category
    }

    /// Markup reduced to its text, for comparing gofeed's titles with cs's text titles.
    static func textOf(_ markup: String) -> String {
        markup.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func compare(document: Data, expected: [String: Any], label: String, tally: inout Tally) {
        var records: [JSON] = []
        try? FeedParser.parse(Array(document), source: FeedSource(), report: { _ in }, emit: { records.append($0.json) })
        let items = expected["items"] as? [[String: Any]] ?? []
        if !items.isEmpty, let type = expected["feedType"] as? String, let version = expected["feedVersion"] as? String {
            let want = (type == "json" ? "json-feed" : type) + "-" + version
            let got = records.first?.path("source", "format")?.stringValue
            tally.check("format", got == want, "\(label) format: \(got ?? "nil") vs \(want)")
        }
        for (n, item) in items.enumerated() {
            let r = n < records.count ? records[n] : nil
            let at = "\(label) item \(n + 1)"
            if let title = item["title"] as? String {
                tally.check("title", r?.str("title") == title.trimmingCharacters(in: .whitespacesAndNewlines),
                            "\(at) title: \(r?.str("title") ?? "nil") vs \(title)")
            }
            if let link = item["link"] as? String {
                tally.check("link", r?.str("url") == link, "\(at) link: \(r?.str("url") ?? "nil") vs \(link)")
            }
            if let guid = item["guid"] as? String {
                tally.check("guid", r?.str("id") == guid, "\(at) guid: \(r?.str("id") ?? "nil") vs \(guid)")
            }
            for (golden, ours) in [("publishedParsed", "published"), ("updatedParsed", "modified")] {
                if let date = item[golden] as? String {
                    let want = FeedDate.parse(date)
                    let got = r?.str(ours).flatMap(FeedDate.parse)
                    tally.check(ours, want != nil && want == got, "\(at) \(ours): \(r?.str(ours) ?? "nil") vs \(date)")
                }
            }
            if let authors = item["authors"] as? [[String: Any]] {
                let want = authors.map { "\($0["name"] as? String ?? "")|\($0["email"] as? String ?? "")" }
                let got = (r?["authors"]?.elements ?? []).map { "\($0.str("name") ?? "")|\($0.str("email") ?? "")" }
                tally.check("authors", want == got, "\(at) authors: \(got) vs \(want)")
            }
            if let categories = item["categories"] as? [String] {
                let want = Tag.canonicalSet(categories.map(Self.categoryText))
                tally.check("categories", r?.strs("tags") == want, "\(at) categories: \(r?.strs("tags") ?? []) vs \(want)")
            }
            if let content = item["content"] as? String {
                tally.check("content", r?.str("content_html") == content, "\(at) content: \(r?.str("content_html") ?? "nil") vs \(content)")
            }
        }
    }

    /// gofeed's format-specific parser goldens (../shared/conformance/gofeed/parser), where their item
    /// fields map: RSS title, link, guid, description → summary, content, categories; Atom id, title (text
    /// type), alternate link, summary, content (html and text), authors, categories.
    func testParserGoldens() throws {
        let root = try requireShared("conformance/gofeed/parser")
        var tally = Tally()
        var documents = 0
        for dir in ["rss", "atom"] {
            let folder = root.appendingPathComponent(dir)
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted() where name.hasSuffix(".xml") {
                let golden = folder.appendingPathComponent(String(name.dropLast(4)) + ".json")
                guard let data = try? Data(contentsOf: golden),
                      let expected = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
                documents += 1
                var records: [JSON] = []
                try? FeedParser.parse(Array(Data(contentsOf: folder.appendingPathComponent(name))), source: FeedSource(),
                                      report: { _ in }, emit: { records.append($0.json) })
                let items = (expected[dir == "rss" ? "items" : "entries"] as? [[String: Any]]) ?? []
                for (n, item) in items.enumerated() {
                    let r = n < records.count ? records[n] : nil
                    let at = "\(dir)/\(name) item \(n + 1)"
                    func check(_ field: String, _ want: String?, _ got: String?) {
                        guard let want else { return }
                        tally.check(field, got == want, "\(at) \(field): \(got ?? "nil") vs \(want)")
                    }
                    if dir == "rss" {
                        // cs titles are text: gofeed's title is compared as the text of its markup.
                        check("title", (item["title"] as? String).map(Self.textOf), r?.str("title"))
                        check("link", item["link"] as? String, r?.str("url"))
                        check("guid", (item["guid"] as? [String: Any])?["value"] as? String, r?.str("id"))
                        // cs summaries are text: an RSS description is HTML, compared as the text cs reads in it.
                        check("description", (item["description"] as? String).flatMap(Self.htmlText), r?.str("summary"))
                        check("content", item["content"] as? String, r?.str("content_html"))
                        if let categories = item["categories"] as? [[String: Any]] {
                            let plain = categories.filter { !["severity", "type"].contains(($0["domain"] as? String ?? "").lowercased()) }
                            let want = Tag.canonicalSet(plain.compactMap { ($0["value"] as? String).map(Self.categoryText) })
                            tally.check("categories", r?.strs("tags") == want, "\(at) categories: \(r?.strs("tags") ?? []) vs \(want)")
                        }
                    } else {
                        check("id", item["id"] as? String, r?.str("id"))
                        // An Atom summary is text, or HTML that cs gives as its text (gofeed does not say which).
                        if let summary = item["summary"] as? String {
                            let got = r?.str("summary")
                            check("summary", got == summary ? summary : Self.htmlText(summary), got)
                        }
                        if let content = item["content"] as? [String: Any], let value = content["value"] as? String,
                           ["html", "text", "", nil].contains(content["type"] as? String) {
                            let type = content["type"] as? String ?? "text"
                            check("content", value, type == "html" ? r?.str("content_html") : r?.str("content_text"))
                        }
                        if let links = item["links"] as? [[String: Any]],
                           let alternate = links.first(where: { ($0["rel"] as? String ?? "alternate") == "alternate" }) {
                            check("link", alternate["href"] as? String, r?.str("url"))
                        }
                        if let authors = item["authors"] as? [[String: Any]] {
                            let want = authors.map { "\($0["name"] as? String ?? "")|\($0["email"] as? String ?? "")" }
                            let got = (r?["authors"]?.elements ?? []).map { "\($0.str("name") ?? "")|\($0.str("email") ?? "")" }
                            tally.check("authors", want == got, "\(at) authors: \(got) vs \(want)")
                        }
                        if let categories = item["categories"] as? [[String: Any]] {
                            let want = Tag.canonicalSet(categories.compactMap { ($0["term"] as? String).map(Self.categoryText) })
                            tally.check("categories", r?.strs("tags") == want, "\(at) categories: \(r?.strs("tags") ?? []) vs \(want)")
                        }
                    }
                }
            }
        }
        let rate = Double(tally.passed) / Double(max(1, tally.total)) * 100
        print("gofeed parser conformance: \(tally.passed)/\(tally.total) mapped item fields (\(String(format: "%.1f", rate))%) over \(documents) documents")
        for (field, t) in tally.byField.sorted(by: { $0.key < $1.key }) { print("  \(field): \(t.pass)/\(t.total)") }
        for f in tally.failed { print("  MISMATCH \(f)") }
        XCTAssertGreaterThan(documents, 300)
        XCTAssertGreaterThanOrEqual(rate, 93.0, "parser-golden conformance fell below 93%")
    }
}
