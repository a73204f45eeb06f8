import CSAttack
import CSEnrich
import CSTestSupport
import Foundation
import XCTest

/// ATT&CK mapping from tags, explicit IDs, phrases and actors, with `via`.
final class MappingTests: XCTestCase {
    func testAllFourteenTacticsFromTagsInSeveralSpellings() throws {
        for (id, name) in ATTACKLookupTests.tactics {
            for tag in ATTACKLookupTests.spellings(of: name, id: id) {
                let e = try enrich(tags: [tag])
                XCTAssertEqual(e.tacticIDs, [id], "tag \(tag)")
                XCTAssertEqual(e.via(id), ["tag:" + tag])
                XCTAssertTrue(e.techniques.isEmpty, "a tactic tag is not a technique: \(tag)")
            }
        }
    }

    func testTechniqueNamesUsedAsTags() throws {
        let e = try enrich(tags: ["brute_force", "password-spraying", "attack.t1078.004"])
        XCTAssertEqual(e.techniqueIDs, ["T1110", "T1110.003", "T1078.004"])
        XCTAssertEqual(e.via("T1110"), ["tag:brute_force"])
        XCTAssertEqual(e.via("T1110.003"), ["tag:password-spraying"])
        // T1110 and T1110.003 have one tactic each; T1078.004 has four, which stay on the technique.
        XCTAssertEqual(e.tacticIDs, ["TA0006"])
        XCTAssertEqual(e.via("TA0006"), ["technique:T1110", "technique:T1110.003"])
    }

    func testExplicitIDsInTextAreValidated() throws {
        let e = try enrich(title: "Campaign uses T1566.001 and TA0011",
                           text: "Mapped to T1110.003 (Password Spraying). T9999 and T1110.999 do not exist. G0016 used S0154.")
        XCTAssertEqual(e.techniqueIDs, ["T1566.001", "T1110.003"])
        XCTAssertEqual(e.via("T1566.001"), ["text:T1566.001"])
        XCTAssertEqual(e.via("T1110.003"), ["text:T1110.003", "phrase:password spraying"])
        XCTAssertEqual(e.groupIDs, ["G0016"])
        XCTAssertEqual(e.softwareIDs, ["S0154"])
        XCTAssertEqual(e.tacticIDs, ["TA0001", "TA0006", "TA0011"])
        XCTAssertEqual(e.via("TA0011"), ["text:TA0011"])
    }

    func testRevokedIDsAreFlaggedAndImplyNothing() throws {
        let revoked = try XCTUnwrap(ATTACK.techniques.first { $0.isRevoked && $0.tacticShortnames.count == 1 })
        let line = recordLine(text: "Old reports cite \(revoked.id).")
        let out = try Enricher.shared.enrich(line: line)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let techniques = try XCTUnwrap((json["attack"] as? [String: Any])?["techniques"] as? [[String: Any]])
        XCTAssertEqual(techniques.count, 1)
        XCTAssertEqual(techniques[0]["id"] as? String, revoked.id)
        XCTAssertEqual(techniques[0]["revoked"] as? Bool, true)
        XCTAssertEqual(((json["attack"] as? [String: Any])?["tactics"] as? [Any])?.count, 0)
    }

    func testBroadSampleOfTechniquePhrases() throws {
        let sample: [(String, String)] = [
            ("The actor relied on password spraying against Entra ID.", "T1110.003"),
            ("Credential stuffing with breached lists.", "T1110.004"),
            ("They performed Kerberoasting to get service tickets.", "T1558.003"),
            ("A DCSync attack replicated the directory.", "T1003.006"),
            ("Dumping LSASS memory with a custom tool.", "T1003.001"),
            ("The payload uses process hollowing.", "T1055.012"),
            ("Persistence through registry run keys / startup folder entries.", "T1547.001"),
            ("Pass the hash was used for lateral movement.", "T1550.002"),
            ("Attackers gained a Golden Ticket.", "T1558.001"),
            ("The implant relies on reflective code loading.", "T1620"),
            ("Data encrypted for impact across the fleet.", "T1486"),
            ("Inhibit system recovery by deleting shadow copies.", "T1490"),
            ("Exploit public-facing application flaws in VPNs.", "T1190"),
            ("Ingress tool transfer over HTTPS.", "T1105"),
            ("Adversary-in-the-Middle phishing kits steal cookies.", "T1557"),
            ("Timestomp was used to alter file times.", "T1070.006"),
            ("The loader abused Rundll32 to run its DLL.", "T1218.011"),
            ("Scheduled task created for persistence.", "T1053.005"),
            ("A web shell was dropped on the Exchange server.", "T1505.003"),
            ("MFA fatigue: multi-factor authentication request generation.", "T1621"),
            ("They used steal application access token techniques.", "T1528"),
            ("Abuse of device registration in Entra ID.", "T1098.005"),
        ]
        for (text, id) in sample {
            let e = try enrich(title: "x", text: text)
            XCTAssertTrue(e.techniqueIDs.contains(id), "\"\(text)\" -> \(id), got \(e.techniqueIDs.sorted())")
        }
    }

    func testPluralsAndAnalystAliases() throws {
        let sample: [(String, String, String)] = [
            ("They deployed web shells on two servers.", "T1505.003", "phrase:web shell"),
            ("Several scheduled tasks were created.", "T1053.005", "phrase:scheduled task"),
            ("Users were hit by MFA fatigue prompts.", "T1621", "phrase:mfa fatigue"),
            ("A golden SAML attack forged tokens.", "T1606.002", "phrase:golden saml"),
            ("The actor relied on DLL side-loading.", "T1574.001", "phrase:dll side-loading"),
            ("Volume shadow copies were deleted.", "T1490", "phrase:volume shadow copies"),
            ("An illicit consent grant gave mail access.", "T1528", "phrase:illicit consent grant"),
            ("AiTM kits proxy the sign-in page.", "T1557", "phrase:aitm"),
        ]
        for (text, id, via) in sample {
            let e = try enrich(text: text)
            XCTAssertTrue(e.techniqueIDs.contains(id), "\"\(text)\" -> \(id), got \(e.techniqueIDs.sorted())")
            XCTAssertEqual(e.via(id), [via], text)
        }
    }

    func testLongestNameWinsAndSubTechniquesKeepTheirParentOnlyWhenNamed() throws {
        let e = try enrich(text: "Brute Force: Password Spraying was observed.")
        XCTAssertEqual(e.techniqueIDs, ["T1110.003"])
        let both = try enrich(text: "A brute-force attack such as password spraying.")
        XCTAssertEqual(both.techniqueIDs, ["T1110", "T1110.003"])
        XCTAssertEqual(both.via("T1110"), ["phrase:brute force"])
    }

    func testTacticImpliedOnlyBySingleTacticTechniques() throws {
        // Device Registration (T1098.005) is persistence and privilege escalation: listed on the technique only.
        let e = try enrich(text: "Abuse of device registration for access.")
        XCTAssertEqual(e.techniqueIDs, ["T1098.005"])
        XCTAssertTrue(e.tactics.isEmpty)
        let line = try Enricher.shared.enrich(line: recordLine(text: "Abuse of device registration."))
        XCTAssertTrue(line.contains(#""tactics":["TA0003","TA0004"]"#), line)
    }

    func testGroupsAndSoftwareFromActorsAndText() throws {
        let e = try enrich(title: "Midnight Blizzard targets tenants",
                           text: "The operators ran Mimikatz and mimikatz.exe, then Cobalt Strike beacons. APT28 overlap was ruled out.",
                           actors: ["Cozy Bear", "Unknown Actor"])
        XCTAssertEqual(e.groupIDs, ["G0007", "G0016"])
        XCTAssertEqual(e.via("G0016"), ["actor:Cozy Bear", "phrase:Midnight Blizzard"])
        XCTAssertEqual(e.softwareIDs, ["S0002", "S0154"])
        XCTAssertEqual(e.via("S0154"), ["phrase:Cobalt Strike"])
    }

    func testCaseRulesForNamesThatAreAlsoWords() throws {
        let e = try enrich(text: "Activity attributed to Silence overlaps with MERCURY and the lookback tool LookBack.")
        let mercury = try XCTUnwrap(ATTACK.group(named: "MERCURY"))
        let silence = try XCTUnwrap(ATTACK.group(named: "Silence"))
        XCTAssertEqual(e.groupIDs, [silence.id, mercury.id])
        XCTAssertEqual(e.softwareIDs, [try XCTUnwrap(ATTACK.software(named: "LookBack")).id])
    }

    func testFalsePositiveTrapsMapToNothing() throws {
        let traps = [
            "Look at the logs. The net effect is small; ping the server and expand the page to play the video.",
            "Install version 1.2.3.4 of the agent; build 10.0.1.2 fixes it.",
            "Enable multi-factor authentication and conditional access policies; use password managers.",
            "Require phishing-resistant MFA for admins. A malicious file and a malicious link were found.",
            "Cloud accounts and local accounts should be reviewed; rotate private keys; check DNS and Python packages.",
            "The detection focuses on the az.cmd and azure.cli processes and event.dataset fields; user.id, host.name, match.group.",
            "Hash d41d8cd98f00b204e9800998ecf8427e and 3b18e512dba79e4c8300dd08aeb37f8e728b8dad with 10.0.0.12 nowhere.",
            "See https://attack.mitre.org/techniques/T1110/003/ and https://nvd.nist.gov/vuln/detail/CVE-2024-0001 for background.",
            "Silence is golden; the equation holds; Royal decree; chaos and carbon. Empire builders. Inception.",
            "Use a 7-day lookback; Chromium and mercury levels; a platinum sponsor; nightclub raindrop crutch.",
        ]
        for text in traps {
            let e = try enrich(title: "Note", text: text)
            XCTAssertTrue(e.techniques.isEmpty, "\(text): \(e.techniqueIDs)")
            XCTAssertTrue(e.groups.isEmpty && e.software.isEmpty, "\(text): \(e.groupIDs) \(e.softwareIDs)")
            XCTAssertTrue(e.tactics.isEmpty, "\(text): \(e.tacticIDs)")
        }
        let versions = try enrich(text: traps[1])
        XCTAssertEqual(versions.indicators.ipv4.values, [])
        let hashes = try enrich(text: traps[6])
        XCTAssertEqual(hashes.indicators.md5.values, ["d41d8cd98f00b204e9800998ecf8427e"])
        XCTAssertEqual(hashes.indicators.sha1.values, ["3b18e512dba79e4c8300dd08aeb37f8e728b8dad"])
        XCTAssertEqual(hashes.indicators.ipv4.values, ["10.0.0.12"])
        let urls = try enrich(text: traps[7])
        XCTAssertEqual(urls.indicators.cves.values, [], "an ID inside a URL is not an indicator")
        XCTAssertEqual(urls.indicators.urls.values, [], "links to references are not indicators")
        XCTAssertEqual(urls.indicators.domains.values, [])
        XCTAssertEqual(try enrich(text: traps[5]).indicators.domains.values, [])
    }

    func testGenericTagsAndWordsAreNotTechniques() throws {
        let e = try enrich(tags: ["azure", "entra-id", "windows", "python", "dns", "oauth", "tool"])
        XCTAssertTrue(e.techniques.isEmpty && e.tactics.isEmpty && e.groups.isEmpty && e.software.isEmpty)
    }
}
