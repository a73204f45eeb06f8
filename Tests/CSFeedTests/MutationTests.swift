import CSCore
import Foundation
import XCTest
import CSFeed
import CSTestSupport

/// Damaged documents: random cuts, flipped bytes and inserted markup characters must never crash the
/// parser, and every record that comes out must still have every field of the schema.
final class MutationTests: XCTestCase {
    typealias Random = SeededRandom

    static let fragments: [[UInt8]] = ["<", ">", "&", "]]>", "<![CDATA[", "</item>", "<item>", "&#", "&nbsp;", "\u{0}",
                                       "<!ENTITY a \"b\">", "\"", "<br>", "</entry>", "{", "}", "\\", ","].map { Array($0.utf8) }
        + [[0xFF], [0xC3], [0xE2, 0x82]]

    func mutate(_ doc: [UInt8], _ rng: inout Random) -> [UInt8] {
        var d = doc
        for _ in 0...rng.below(4) {
            guard !d.isEmpty else { break }
            switch rng.below(4) {
            case 0: d = Array(d[0..<rng.below(d.count)])                                   // cut
            case 1: d[rng.below(d.count)] = UInt8(truncatingIfNeeded: rng.next())         // flip a byte
            case 2: d.insert(contentsOf: Self.fragments[rng.below(Self.fragments.count)], at: rng.below(d.count))
            default:                                                                       // drop a span
                let a = rng.below(d.count), b = min(d.count, a + rng.below(64))
                d.removeSubrange(a..<b)
            }
        }
        return d
    }

    func testDamagedDocumentsNeverCrash() {
        let seeds = [RSSTests.rss2, JSONFeedTests.feed, """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>a</title><entry><id>1</id><title type="html">&lt;b&gt;x</title>
            <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>y</p></div></content></entry>
            <entry><id>2</id><summary type="html">&lt;h2&gt;Impact&lt;/h2&gt;&lt;p&gt;z&lt;/p&gt;</summary></entry></feed>
            """].map { Array($0.utf8) }
        let iterations = Int(ProcessInfo.processInfo.environment["CS_MUTATIONS"] ?? "") ?? 400
        let seed = SeededRandom.seed(20_260_422, variable: "CS_MUTATION_SEED")
        var rng = Random(state: seed)
        var records = 0
        for n in 0..<iterations {
            let doc = mutate(seeds[n % seeds.count], &rng)
            let result = parseFeed(doc)
            for r in result.records {
                XCTAssertEqual(r.keys, advisoryFields, "iteration \(n), CS_MUTATION_SEED=\(seed)")
                records += 1
            }
        }
        XCTAssertGreaterThan(records, 0)
    }
}
