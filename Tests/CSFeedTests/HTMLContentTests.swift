import CSCore
import XCTest
import CSFeed

/// content_text and sections, through JSON Feed items' content_html.
final class HTMLContentTests: XCTestCase {
    private func item(_ html: String) throws -> JSON {
        let o = JSON.object()
        o.set("version", .string("https://jsonfeed.org/version/1.1"))
        let item = JSON.object()
        item.set("id", .string("x"))
        item.set("content_html", .string(html))
        let items = JSON.array()
        items.append(item)
        o.set("items", items)
        return try XCTUnwrap(parseFeed(o.text).only)
    }

    func testPlainTextRules() throws {
        let r = try item("""
            <div>  Hello&nbsp;&amp;   <b>wel</b>come&#x21;\n\n  </div><script>alert('x')</script><style>p{}</style>
            <p>Para one<br>line two</p><ul><li>first</li><li>second <i>item</i></li></ul>
            <table><tr><td>a</td><td>b</td></tr></table><pre>  code   here </pre>&lt;not a tag&gt;
            """)
        XCTAssertEqual(r.str("content_text"), "Hello & welcome!\nPara one\nline two\nfirst\nsecond item\na b\ncode here\n<not a tag>")
    }

    func testSectionsWithHeadingVariants() throws {
        let r = try item("""
            <p>Intro.</p>
            <h3 id="kill-chain">Attack chain:</h3><p>Overview paragraph.</p>
            <ol><li><strong>Recon:</strong> look around</li><li>Exploit <ul><li>nested detail</li></ul></li></ol>
            <h4>Sub heading inside the chain</h4><ol><li>Persist</li></ol>
            <h3>Potential Impact</h3><p>First impact paragraph.</p><p>Second one.</p>
            <h2>Detection &amp; Response Recommendations</h2><ul><li>Patch.</li><li>Hunt.</li></ul>
            <h2>References</h2><ul><li>not a recommendation</li></ul>
            """)
        XCTAssertEqual(r.path("sections", "attack_chain")?.stringElements, ["Recon: look around", "Exploit nested detail", "Persist"])
        XCTAssertEqual(r.path("sections", "impact")?.stringValue, "First impact paragraph.\nSecond one.")
        XCTAssertEqual(r.path("sections", "recommendations")?.stringElements, ["Patch.", "Hunt."])
    }

    func testHeadingByIdAndBoldParagraphHeadings() throws {
        let r = try item("""
            <h2 id="attack-chain">How it works</h2><ol><li>Step A</li></ol>
            <p><strong>Impact:</strong></p><p>Data loss.</p>
            <p><b>Recommendations</b></p><p>Rotate keys.</p>
            """)
        XCTAssertEqual(r.path("sections", "attack_chain")?.stringElements, ["Step A"])
        XCTAssertEqual(r.path("sections", "impact")?.stringValue, "Data loss.")
        XCTAssertEqual(r.path("sections", "recommendations")?.stringElements, ["Rotate keys."], "paragraphs when there is no list")
    }

    func testNoSections() throws {
        let r = try item("<p>Nothing structured.</p>")
        XCTAssertEqual(r["sections"]?.text, #"{"attack_chain":[],"impact":null,"recommendations":[]}"#)
    }
}
