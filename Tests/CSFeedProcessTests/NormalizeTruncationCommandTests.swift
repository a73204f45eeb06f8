import CSTestSupport
import Foundation
import XCTest

/// cs-normalize on cut documents, from files (read again for recovery) and from pipes (kept for it).
extension NormalizeCommandTests {
    func testCutDocumentsExitTwoWithDataLoss() throws {
        let rss = try Data(contentsOf: Repository.examples.appendingPathComponent("detections.rss.xml"))
        let json = try Data(contentsOf: Repository.examples.appendingPathComponent("advisories.feed.json"))
        let atom = Data(FeedDocuments.truncationAtom.utf8)
        // Inside the root's attributes, inside an item's start tag, inside `</channel>`, inside `</rss>`,
        // in the Atom prolog, in an Atom entry's attribute, in the JSON Feed before and after its first item.
        let cuts: [(String, Data)] = [("rss", rss.prefix(98)), ("rss", rss.prefix(rss.count - 16)), ("rss", rss.prefix(rss.count - 5)),
                                      ("rss", rss.prefix(rss.range(of: Data("<item>".utf8))!.lowerBound + 3)),
                                      ("atom", atom.prefix(60)), ("atom", atom.prefix(atom.range(of: Data("scheme=".utf8))!.upperBound + 4)),
                                      ("json", json.prefix(200)), ("json", json.prefix(json.count - 40))]
        for (n, (kind, cut)) in cuts.enumerated() {
            let path = try write("cut\(n).\(kind)", String(decoding: cut, as: UTF8.self))
            for r in [try run(["--log-format", "json", path]), try run(["--log-format", "json"], stdin: cut)] {
                XCTAssertEqual(r.status, 2, "cut \(n) (\(kind), \(cut.count) bytes): \(r.stderr)")
                XCTAssertTrue(r.stderr.contains(#""level":"error","stage":"cs-normalize","code":"DATA_LOSS""#),
                              "cut \(n) (\(kind)): \(r.stderr)")
            }
        }
        // Only the final newline missing: the document is complete.
        let whole = try run([try write("whole.xml", String(decoding: rss.dropLast(), as: UTF8.self))])
        XCTAssertEqual(whole.status, 0, whole.stderr)
        XCTAssertEqual(whole.stderr, "")
    }
}

/// cs-normalize on a billion-laughs document, from a file and from a pipe.
extension NormalizeCommandTests {
    func testBillionLaughsKeepsTheItemsBeforeIt() throws {
        let (doc, line) = FeedDocuments.billionLaughs(good: 50)
        let path = try write("bomb.xml", doc)
        for r in [try run(["--log-format", "json", path]), try run(["--log-format", "json"], stdin: Data(doc.utf8))] {
            XCTAssertEqual(r.status, 2)
            XCTAssertEqual(r.records.count, 50, r.stderr)
            XCTAssertTrue(r.stderr.contains(#""code":"RESOURCE_EXHAUSTED","message":"entity expansion limit exceeded at line \#(line) "#), r.stderr)
        }
    }
}
