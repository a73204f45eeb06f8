@testable import CSEnrich
import CSAttack
import CSTestSupport
import Foundation
import XCTest

/// The start-of-sentence rule for group and software names (NamePolicy): it applies only to English words,
/// decided by the generated NameWordTable.swift (`make name-words`).
final class NameWordTests: XCTestCase {
    func testNonWordsAreFoundAtTheStartOfASentence() throws {
        let cases = [("Shamoon wipes the MBR.", "S0140"), ("Moneybird encrypts the files it finds.", "S1137"),
                     ("Daggerfly used Reg to dump the SAM hive.", "G1034"), ("Valak has stored its configuration.", "S0476"),
                     ("“Shamoon” returned in 2016.", "S0140"), ("Pupy uses PsExec.", "S0192")]
        for (text, id) in cases {
            let e = try enrich(title: "", text: text)
            XCTAssertTrue(e.groupIDs.contains(id) || e.softwareIDs.contains(id), "\(text): \(e.groupIDs) \(e.softwareIDs)")
        }
    }

    /// Hedging drops the technique phrases of a sentence, not the actors and software it names.
    func testHedgedSentencesStillNameActorsAndSoftware() throws {
        let e = try enrich(title: "", text: "Shamoon may have arrived through spearphishing attachments, potentially sent by Daggerfly.")
        XCTAssertTrue(e.softwareIDs.contains("S0140"), "\(e.softwareIDs)")
        XCTAssertTrue(e.groupIDs.contains("G1034"), "\(e.groupIDs)")
        XCTAssertFalse(e.techniqueIDs.contains { $0.hasPrefix("T1566") }, "\(e.techniqueIDs)")
        let plain = try enrich(title: "", text: "Shamoon arrived through spearphishing attachments sent by Daggerfly.")
        XCTAssertTrue(plain.techniqueIDs.contains { $0.hasPrefix("T1566") }, "\(plain.techniqueIDs)")
    }

    func testEnglishWordsAtTheStartOfASentenceAreWordsUnlessTheyActAsSubjects() throws {
        let words = ["Silence is golden.", "Empire builders.", "Inception.", "Patchwork quilts are warm.",
                     "The room fell quiet. Silence followed.", "Havoc ensued: Machete in hand.", "Maze runner"]
        for text in words {
            let e = try enrich(title: "", text: text)
            XCTAssertTrue(e.groups.isEmpty && e.software.isEmpty, "\(text): \(e.groupIDs) \(e.softwareIDs)")
        }
        let names = [("Silence has used port 444.", "G0091"), ("Empire can capture webcam data.", "S0363"),
                     ("Machete’s loader is decrypted with AES.", "S0409"), ("Machete's loader.", "S0409"),
                     ("Patchwork used Visual Basic Scripts.", "G0040"), ("Maze has encrypted files.", "S0449"),
                     ("Data went out. Dragonfly has compressed it.", "G0035"),
                     ("The loader of Bumblebee was found.", "S1039")]
        for (text, id) in names {
            let e = try enrich(title: "", text: text)
            XCTAssertTrue(e.groupIDs.contains(id) || e.softwareIDs.contains(id), "\(text): \(e.groupIDs) \(e.softwareIDs)")
        }
    }

    func testGuardedNamesStayGuarded() throws {
        for text in ["Play has split files.", "Play the video.", "Epic has patched it.", "Net use shows shares."] {
            let e = try enrich(title: "", text: text)
            XCTAssertTrue(e.groups.isEmpty && e.software.isEmpty, "\(text): \(e.groupIDs) \(e.softwareIDs)")
        }
    }

    /// Names shaped like IDs that name nothing else, a name that is also another object's alias, and a name
    /// that a group has in any case and a malware in capitals.
    func testNamesShapedLikeIDsSharedAliasesAndSpellings() throws {
        XCTAssertEqual(try enrich(title: "", text: "TA2541 has uploaded malware.").groupIDs, ["G1018"])
        XCTAssertEqual(try enrich(title: "", text: "T9000 gathers MAC addresses.").softwareIDs, ["S0098"])
        XCTAssertEqual(try enrich(title: "", text: "Thrip leveraged PowerShell.").groupIDs, ["G0076"])
        XCTAssertEqual(try enrich(title: "", text: "SpicyOmelette can identify the host.").softwareIDs, ["S0646"])
        let evilnum = try enrich(title: "", text: "EVILNUM has used GitLab.")
        XCTAssertEqual(evilnum.groupIDs, ["G0120"])
        XCTAssertEqual(evilnum.softwareIDs, ["S0568"])
        // A known ID is still an ID, not a word.
        XCTAssertEqual(try enrich(title: "", text: "See TA0006 and T1110.").techniqueIDs, ["T1110"])
    }

    func testTableHoldsEnglishWordsOnly() {
        for word in ["silence", "empire", "equation", "machete", "play"] { XCTAssertTrue(NamePolicy.englishWords.contains(word), word) }
        for name in ["shamoon", "moneybird", "daggerfly", "mimikatz", "ramsay", "confucius"] {
            XCTAssertFalse(NamePolicy.englishWords.contains(name), name)
        }
        // Every word is the name or alias of a group or software.
        let names = Set((ATTACK.groups.flatMap { [$0.name] + $0.aliases } + ATTACK.software.flatMap { [$0.name] + $0.aliases })
            .map { $0.lowercased() })
        XCTAssertEqual(NamePolicy.englishWords.subtracting(names), [])
    }
}
