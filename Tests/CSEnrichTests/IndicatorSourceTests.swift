import CSTestSupport
import CSEnrich
import XCTest

/// Indicators come from what a reader sees, and not every link is one: markup attributes in an HTML
/// summary, the advisory's own site, references (ATT&CK, NVD, CVE…), XML namespaces, documentation
/// names and version numbers are not indicators; a defanged form always is.
final class IndicatorSourceTests: XCTestCase {
    /// A record of the vendor "www.vendor.com" with these fields.
    func enrich(summary: String? = nil, text: String? = nil, url: String = "https://www.vendor.com/blog/2024/campaign") throws -> Indicators {
        let line = recordLine(summary: summary, text: text, extra: [
            "url": url,
            "source": ["feed_url": "https://www.vendor.com/feed.xml", "home_page_url": "https://www.vendor.com/", "format": "rss"],
        ])
        return try Enricher.shared.enrichment(ofLine: line).indicators
    }

    func testMarkupAttributesInAnHTMLSummaryAreNotIndicators() throws {
        let i = try enrich(summary: """
            <p>A new campaign <a href="https://tracker.clicks.net/r?u=1">read on</a>.</p>\
            <img src="https://pixel.tracker.net/p.gif?id=42" width="1" height="1" alt="">\
            <svg xmlns="http://www.w3.org/2000/svg" data-x='1>2'><path d="M0"/></svg>\
            <!-- <img src="https://comment.tracker.net/c.gif"> -->\
            <style>.x { background: url(https://css.tracker.net/bg.png) }</style>\
            <script src="https://cdn.tracker.net/a.js">load("https://js.tracker.net/b")</script>
            """)
        XCTAssertEqual(i.urls.values, [])
        XCTAssertEqual(i.domains.values, [])
    }

    func testTheTextOfAnHTMLSummaryIsStillRead() throws {
        let i = try enrich(summary: """
            <p>C2 at <code>hxxps://evil-cdn[.]com/a?x=1&amp;y=2</code> and 45.77.12[.]9;&nbsp;stager.bad-host.ru</p>\
            <p>Written as code: &lt;img src=&quot;https://drop.evil-cdn.com/p.gif&quot;&gt;</p>
            """)
        XCTAssertEqual(i.urls.values, ["https://evil-cdn.com/a?x=1&y=2", "https://drop.evil-cdn.com/p.gif"])
        XCTAssertEqual(i.domains.values, ["evil-cdn.com", "drop.evil-cdn.com", "stager.bad-host.ru"])
        XCTAssertEqual(i.ipv4.values, ["45.77.12.9"])
    }

    func testAPlainTextSummaryKeepsItsAngleBrackets() throws {
        // No tag: nothing is taken out, so the URL after "<" stays whole.
        let i = try enrich(summary: "Versions < 2.4 beacon to <https://evil-cdn.com/x> and 45.77.12.9 >> log.")
        XCTAssertEqual(i.urls.values, ["https://evil-cdn.com/x"])
        XCTAssertEqual(i.ipv4.values, ["45.77.12.9"])
    }

    func testLinksToTheAdvisorysOwnSiteAreNotIndicators() throws {
        let i = try enrich(text: """
            Read more at https://www.vendor.com/research/x and https://blog.vendor.com/post, or vendor.com and \
            docs.vendor.com. C2 at https://evil-cdn.com/a, notvendor.com and vendor.com.attacker.net.
            """)
        XCTAssertEqual(i.urls.values, ["https://evil-cdn.com/a"])
        XCTAssertEqual(i.domains.values, ["evil-cdn.com", "notvendor.com", "vendor.com.attacker.net"])
    }

    func testTheRecordsURLHostIsItsSiteToo() throws {
        // A record from an aggregator: its own url's host counts as its site as well as the feed's.
        let i = try enrich(text: "Original at https://research.other-vendor.com/a; IOC evil-cdn.com.",
                           url: "https://research.other-vendor.com/2024/x")
        XCTAssertEqual(i.urls.values, [])
        XCTAssertEqual(i.domains.values, ["evil-cdn.com"])
    }

    func testReferenceLinksAndNamespacesAreNotIndicators() throws {
        let i = try enrich(text: """
            See https://attack.mitre.org/techniques/T1110/003/, https://nvd.nist.gov/vuln/detail/CVE-2024-3400, \
            https://www.cve.org/CVERecord?id=CVE-2024-3400, https://cve.mitre.org/x, https://cwe.mitre.org/data/definitions/79.html, \
            https://github.com/advisories/GHSA-abcd-1234-efgh and https://www.first.org/cvss/. Namespace \
            http://www.w3.org/2000/svg and http://schemas.xmlsoap.org/soap/envelope/. Bare: nvd.nist.gov, attack.mitre.org.
            The payload came from https://github.com/evil-user/tool/raw/main/x.ps1.
            """)
        XCTAssertEqual(i.urls.values, ["https://github.com/evil-user/tool/raw/main/x.ps1"])
        XCTAssertEqual(i.domains.values, ["github.com"])
        XCTAssertEqual(i.cves.values, [], "a CVE inside a reference URL is not an indicator either")
    }

    func testDefangedIndicatorsAreAlwaysKept() throws {
        let i = try enrich(text: """
            The actor abused hxxps://github.com/advisories/GHSA-x and hosted hxxp://www.vendor.com/fake-update on a \
            look-alike of our own site; later attack.mitre[.]org and blog[.]vendor[.]com. Not defanged: vendor.com.
            """)
        XCTAssertEqual(i.urls.values, ["https://github.com/advisories/GHSA-x", "http://www.vendor.com/fake-update"])
        XCTAssertEqual(i.domains.values, ["github.com", "www.vendor.com", "attack.mitre.org", "blog.vendor.com"])
    }

    func testDocumentationNamesAreNotIndicatorsInURLsEither() throws {
        let i = try enrich(text: """
            Try https://example.com/a, http://login.example.org/x, http://host.test/ and http://localhost:8080/;             intranet http://fileserver/share; written defanged on purpose: hxxp://cdn[.]example[.]com/q.dll.
            """)
        XCTAssertEqual(i.urls.values, ["http://fileserver/share", "http://cdn.example.com/q.dll"])
        XCTAssertEqual(i.domains.values, [])
    }

    func testVersionNumbersAreNotAddresses() throws {
        let versions = try enrich(text: """
            Version: 1.2.3.4 and version=2.3.4.5 are affected; FortiOS 7.2.4.1 or later fixes it; 6.4.1.2 and earlier \
            are vulnerable; build 10.0.1.2.
            """)
        XCTAssertEqual(versions.ipv4.values, [])
        let addresses = try enrich(text: "First seen at 45.77.12.9 and later at 185.220.101.4; ip=198.51.100.7, host: 203.0.113.9.")
        XCTAssertEqual(addresses.ipv4.values, ["45.77.12.9", "185.220.101.4", "198.51.100.7", "203.0.113.9"])
    }

    func testFileNamesAreNotDomains() throws {
        let i = try enrich(text: "It drops update.exe, config.php, loader.dll, run.ps1, invoice.pdf.lnk and stage2.bin; C2 update-check.net.")
        XCTAssertEqual(i.domains.values, ["update-check.net"])
    }
}
