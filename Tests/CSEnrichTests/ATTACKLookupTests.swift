import CSAttack
import XCTest

/// The public lookups other stages (cs-filter's --tactic) rely on.
final class ATTACKLookupTests: XCTestCase {
    static let tactics: [(id: String, name: String)] = [
        ("TA0001", "Initial Access"), ("TA0002", "Execution"), ("TA0003", "Persistence"),
        ("TA0004", "Privilege Escalation"), ("TA0005", "Defense Evasion"), ("TA0006", "Credential Access"),
        ("TA0007", "Discovery"), ("TA0008", "Lateral Movement"), ("TA0009", "Collection"), ("TA0010", "Exfiltration"),
        ("TA0011", "Command and Control"), ("TA0040", "Impact"), ("TA0042", "Resource Development"),
        ("TA0043", "Reconnaissance"),
    ]

    /// Every way a tactic is written in feeds, Sigma rules and by people.
    static func spellings(of name: String, id: String) -> [String] {
        let lower = name.lowercased()
        let underscored = lower.replacingOccurrences(of: " ", with: "_")
        let dashed = lower.replacingOccurrences(of: " ", with: "-")
        return [name, lower, underscored, dashed, name.uppercased(), name.replacingOccurrences(of: " ", with: ""),
                "attack." + underscored, "attack." + dashed, id, id.lowercased(), "attack." + id.lowercased(), "  \(dashed)"]
    }

    func testVersion() {
        XCTAssertEqual(ATTACK.version, "18.1")
        XCTAssertEqual(ATTACK.tactics.count, 14)
    }

    func testEveryTacticInEverySpelling() {
        for (id, name) in Self.tactics {
            for spelling in Self.spellings(of: name, id: id) {
                XCTAssertEqual(ATTACK.tactic(matching: spelling)?.id, id, "spelling \"\(spelling)\"")
            }
            XCTAssertEqual(ATTACK.tactic(id: id)?.name, name)
        }
    }

    func testTacticShortnamesAndNonTactics() {
        XCTAssertEqual(ATTACK.tactic(shortname: "credential-access")?.id, "TA0006")
        for word in ["credential", "access", "brute_force", "TA9999", "attack.", "", "windows", "attack.t1110"] {
            XCTAssertNil(ATTACK.tactic(matching: word), word)
        }
    }

    func testTechniqueByIDNameAndTag() throws {
        XCTAssertEqual(ATTACK.technique(id: "T1110")?.name, "Brute Force")
        XCTAssertEqual(ATTACK.technique(id: "t1110/003")?.id, "T1110.003")
        let spraying = try XCTUnwrap(ATTACK.technique(id: "T1110.003"))
        XCTAssertEqual(spraying.fullName, "Brute Force: Password Spraying")
        XCTAssertEqual(spraying.parentID, "T1110")
        XCTAssertEqual(spraying.tactics.map(\.id), ["TA0006"])
        XCTAssertEqual(spraying.url, "https://attack.mitre.org/techniques/T1110/003")

        let tags: [(String, String)] = [
            ("brute_force", "T1110"), ("brute-force", "T1110"), ("Brute Force", "T1110"),
            ("password-spraying", "T1110.003"), ("password_spraying", "T1110.003"), ("credential-stuffing", "T1110.004"),
            ("attack.t1110.003", "T1110.003"), ("attack.t1059.001", "T1059.001"), ("T1078.004", "T1078.004"),
            ("brute-force-password-spraying", "T1110.003"), ("kerberoasting", "T1558.003"), ("dcsync", "T1003.006"),
            ("phishing", "T1566"),
            ("os-credential-dumping", "T1003"), ("process_injection", "T1055"), ("valid-accounts", "T1078"),
        ]
        for (tag, id) in tags {
            XCTAssertEqual(ATTACK.technique(matchingTag: tag)?.id, id, "tag \(tag)")
        }
    }

    func testGenericAndAmbiguousNamesAreNotTechniqueTags() {
        // Technology words and names that several techniques share map to nothing; IDs still do.
        for tag in ["python", "powershell", "dns", "tool", "software", "malware", "cloud-accounts", "exploits",
                    "steganography", "spearphishing-link", "multi-factor-authentication", "server", "azure", "windows", "entra-id"] {
            XCTAssertNil(ATTACK.technique(matchingTag: tag), tag)
        }
        XCTAssertEqual(ATTACK.technique(matchingTag: "attack.t1059.006")?.name, "Python")
    }

    func testRevokedAndDeprecatedAreKnownByID() throws {
        let revoked = try XCTUnwrap(ATTACK.techniques.first(where: \.isRevoked))
        XCTAssertEqual(ATTACK.technique(id: revoked.id)?.isRevoked, true)
        XCTAssertFalse(revoked.isActive)
        XCTAssertTrue(ATTACK.techniques.contains(where: \.isDeprecated))
    }

    func testGroupsAndSoftwareByNameOrAlias() {
        XCTAssertEqual(ATTACK.group(named: "APT29")?.id, "G0016")
        XCTAssertEqual(ATTACK.group(named: "Cozy Bear")?.id, "G0016")
        XCTAssertEqual(ATTACK.group(named: "midnight_blizzard")?.id, "G0016")
        XCTAssertEqual(ATTACK.group(named: "attack.g0016")?.id, "G0016")
        XCTAssertEqual(ATTACK.group(id: "G0007")?.name, "APT28")
        XCTAssertEqual(ATTACK.software(named: "mimikatz")?.id, "S0002")
        XCTAssertEqual(ATTACK.software(named: "Cobalt Strike")?.id, "S0154")
        XCTAssertEqual(ATTACK.software(id: "S0154")?.kind, .malware)
        XCTAssertNil(ATTACK.group(named: "Nobody Bear"))
    }
}
