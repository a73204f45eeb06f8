@testable import CSEnrich
import XCTest

/// Group and software names that are everyday words ("Play", "Silence", "Chimera") count only where a cue says they
/// are names (NamePolicy): ordinary sentences must not name an actor, and the same words written as names must.
final class ActorPrecisionTests: XCTestCase {
    private func actors(_ text: String) throws -> Set<String> {
        let e = try enrich(title: "", text: text)
        return e.groupIDs.union(e.softwareIDs)
    }

    func testCommonWordsAreNotActors() throws {
        let sentences = [
            "Press the play button to start the video.", "Play the video again.", "Play has removed the app from its store.",
            "Silence the alarm before you leave.", "Silence is golden.", "- Silence compiler warnings",
            "* Silence lintian", "• Silence followed.", "Solve an equation for x.", "Equation editors are old.",
            "Chimera is a creature of Greek myth.", "Anchor the boat.", "Shark attacks rose this summer.",
            "Carbon emissions fell in 2024.", "Solar panels were installed.", "Chaos ensued.", "Flame retardant foam.",
            "The Ninja build system is fast.", "Cuba has said it will respond.", "Milan has a population of 1.4 million.",
            "Kevin can join the call.", "Epic has patched it.", "Royal Group reported earnings.", "Spark can process data.",
            "Net use shows shares.", "cmd can be used to run commands.", "Pandora has opened a store.",
            "The meteor shower peaks tonight.", "A crimson sunset.", "Mosquito bites itch.", "Octopus arms have suckers.",
            "Carbon copies went to the board.", "Mango spreads are sweet.", "RTM requires TSX support.",
        ]
        for text in sentences {
            XCTAssertEqual(try actors(text), [], text)
        }
    }

    func testCommonWordsWrittenAsNamesAreActors() throws {
        let cases = [
            ("Chimera has used side loading to place DLLs in memory.", "G0114"), ("Crimson contains commands to list files.", "S0115"),
            ("The Ninja payload is XOR encrypted.", "S1100"), ("Mosquito's installer uses WMI.", "S0256"),
            ("Carbon creates several tasks.", "S0335"), ("Play ransomware encrypted the servers.", "G1040"),
            ("They deployed Cuba ransomware.", "S0625"), ("The Epic backdoor was found.", "S0091"),
            ("Shark  can download files.", "S1019"), ("RTM has distributed its malware via exploit kits.", "G0048"),
            ("Gold Dragon deletes one of its files.", "S0249"), ("Unknown Logger is capable of spreading.", "S0130"),
            ("Machete takes photos from the web camera.", "S0409"), ("Empire also contains a module.", "S0363"),
            ("- Silence has used port 444.", "G0091"), ("Data went out.\n- Patchwork encrypted it.", "G0040"),
        ]
        for (text, id) in cases {
            let found = try actors(text)
            XCTAssertTrue(found.contains(id), "\(text): \(found)")
        }
    }

    /// The guarded names are excluded names (so tags never map them: TagMapping), and a guard is one or the other.
    func testGuardedNamesAreExcludedNames() {
        XCTAssertTrue(NamePolicy.withCue.isSubset(of: NamePolicy.excluded))
        XCTAssertTrue(NamePolicy.withNounCue.isSubset(of: NamePolicy.excluded))
        XCTAssertTrue(NamePolicy.withCue.isDisjoint(with: NamePolicy.withNounCue))
        XCTAssertEqual(NamePolicy.guardInText("Chimera", wordCount: 1), .cue)
        XCTAssertEqual(NamePolicy.guardInText("Play", wordCount: 1), .nounCue)
        XCTAssertNil(NamePolicy.guardInText("Net", wordCount: 1))
        XCTAssertEqual(NamePolicy.guardInText("Silence", wordCount: 1), .sentenceStart)
        XCTAssertEqual(NamePolicy.guardInText("Shamoon", wordCount: 1), NamePolicy.Guard.none)
    }

    /// Names of several words or with digits or inner capitals: matched as ATT&CK spells them, or in any case when
    /// they cannot be a word ("apt29").
    func testMultiWordAndPunctuatedNames() throws {
        let cases = [("APT29 used password spraying.", "G0016"), ("apt29 used password spraying.", "G0016"),
                     ("Beacons of Cobalt Strike followed.", "S0154"), ("Mustang Panda sent lures.", "G0129"),
                     ("menuPass has targeted MSPs.", "G0045"), ("TA505 has used Dridex.", "G0092")]
        for (text, id) in cases {
            let found = try actors(text)
            XCTAssertTrue(found.contains(id), "\(text): \(found)")
        }
        XCTAssertEqual(try actors("A cobalt strike on the anvil; a mustang panda hybrid."), [])
    }
}
