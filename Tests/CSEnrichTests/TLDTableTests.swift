@testable import CSEnrich
import Foundation
import XCTest

/// The TLD set from the Public Suffix List (TLDTable.swift, `make tlds`) and the labels cs-enrich leaves out.
final class TLDTableTests: XCTestCase {
    /// TLDs attackers favour that the old hand-written list lacked.
    static let favoured = ["cc", "ml", "ga", "cf", "gq", "pro", "link", "click"]

    func testFavouredTLDsExtractDefangedAndPlain() throws {
        for tld in Self.favoured {
            let defanged = try enrich(text: "Beacons to update-check[.]\(tld) every hour.")
            XCTAssertEqual(defanged.indicators.domains.values, ["update-check.\(tld)"], "defanged .\(tld)")
            let plain = try enrich(text: "Beacons to update-check.\(tld) every hour.")
            XCTAssertEqual(plain.indicators.domains.values, ["update-check.\(tld)"], "plain .\(tld)")
        }
    }

    func testLongAndNewTLDsExtract() throws {
        let e = try enrich(text: "Lures on pay-portal.online, sso-login.northwesternmutual and cdn.accountants.")
        XCTAssertEqual(e.indicators.domains.values, ["pay-portal.online", "sso-login.northwesternmutual", "cdn.accountants"])
    }

    func testFileExtensionsAndFieldNamesAreNotDomains() throws {
        let text = """
            The lure invoice.pdf drops update.exe, which reads config.php and loads loader.dll; see script.py,
            run.sh, README.md, libx.so, main.rs, payload.zip, clip.mov, tool.pl, Module.pm, doc.ps, build.mk,
            App.java, setup.cab, header.inc, notes.one and card.pub; irc.pid, SAM.hiv, multi-user.target;
            com.apple.quarantine, com.apple.loginwindow. and keys prefixed with `com.apple.*`. Query user.id, host.name, match.group,
            event.date and user.email; call subprocess.run, array.map, model.save, requests.post, window.open.
            """
        XCTAssertEqual(try enrich(text: text).indicators.domains.values, [])
    }

    func testExcludedLabelsAreRealTLDsAndListed() {
        // The exclusions take real TLDs out; a label that is no TLD ("exe", "dll") needs no entry.
        let all = Set(TLDs.publicSuffixList.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
        XCTAssertEqual(TLDs.excluded.subtracting(all), [], "excluded labels that are not in the PSL")
        XCTAssertFalse(all.contains("exe") || all.contains("dll") || all.contains("pdf"))
        for tld in Self.favoured { XCTAssertTrue(TLDs.list.contains(tld), tld) }
        for label in TLDs.excluded { XCTAssertFalse(TLDs.list.contains(label), label) }
    }

    /// The lookup table finds every label taken, and nothing else (probing past collisions, not past the end).
    func testLookupFindsEveryLabelAndNothingElse() {
        func contains(_ s: String) -> Bool { Array(s.utf8).withUnsafeBufferPointer { TLDs.contains($0) } }
        for label in TLDs.list { XCTAssertTrue(contains(label), label) }
        for label in TLDs.excluded { XCTAssertFalse(contains(label), label) }
        for label in ["exe", "dll", "pdf", "php", "COM", "comx", "co1", "northwesternmutualx", String(repeating: "a", count: 30), "a"] {
            XCTAssertFalse(contains(label), label)
        }
    }


}
