import CSCore
@testable import CSEnrich
import Foundation
import XCTest

/// Base scores against FIRST's specifications' known vectors and, for v4.0, against scores that FIRST's
/// reference calculator (github.com/FIRSTdotorg/cvss-v4-calculator) gives for the same vectors.
final class CVSSTests: XCTestCase {
    func check(_ vector: String, _ expected: Double, _ version: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let r = try CVSS.score(vector: vector)
            XCTAssertEqual(r.version, version, vector, file: file, line: line)
            XCTAssertEqual(r.score, expected, accuracy: 0.0001, vector, file: file, line: line)
        } catch {
            XCTFail("\(vector): \(error)", file: file, line: line)
        }
    }

    func testVersion2() {
        check("AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5, "2.0")
        check("AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0, "2.0")
        check("AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3, "2.0")
        check("(AV:L/AC:L/Au:N/C:C/I:C/A:C)", 7.2, "2.0")
        check("AV:N/AC:L/Au:N/C:N/I:N/A:N", 0, "2.0")
        check("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P/E:F/RL:OF/RC:C", 7.5, "2.0")
    }

    func testVersion3() {
        check("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "3.1")
        check("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, "3.1")
        check("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8, "3.1")
        check("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, "3.1")
        check("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, "3.1")
        check("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9, "3.0")
        check("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 5.3, "3.1")
        check("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6, "3.1")
        check("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0, "3.1")
        // Temporal metrics do not change the base score.
        check("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C", 9.8, "3.1")
    }

    /// The integer Roundup of v3.1 Appendix A: 4.000000000000001 is 4.0, 4.02 is 4.1.
    func testRoundUp() {
        XCTAssertEqual(CVSS3.roundUp(4.000000000000001), 4.0)
        XCTAssertEqual(CVSS3.roundUp(4.02), 4.1)
        XCTAssertEqual(CVSS3.roundUp(9.8), 9.8)
    }

    func testVersion4() {
        check("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, "4.0")
        check("CVSS:4.0/AV:L/AC:L/AT:P/PR:H/UI:N/VC:H/VI:N/VA:H/SC:L/SI:N/SA:H", 6.9, "4.0")
        check("CVSS:4.0/AV:N/AC:H/AT:P/PR:L/UI:A/VC:L/VI:H/VA:H/SC:L/SI:H/SA:L", 7.1, "4.0")
        check("CVSS:4.0/AV:L/AC:L/AT:P/PR:N/UI:A/VC:H/VI:L/VA:H/SC:H/SI:N/SA:H", 7.0, "4.0")
        check("CVSS:4.0/AV:A/AC:H/AT:N/PR:L/UI:A/VC:L/VI:N/VA:H/SC:H/SI:L/SA:L", 5.8, "4.0")
        check("CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:P/VC:L/VI:H/VA:H/SC:H/SI:N/SA:H", 7.3, "4.0")
        check("CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:A/VC:H/VI:H/VA:L/SC:L/SI:N/SA:N", 7.1, "4.0")
        // Threat and environmental metrics (CVSS-BTE), as the reference calculator scores them.
        check("CVSS:4.0/AV:A/AC:L/AT:N/PR:L/UI:P/VC:H/VI:H/VA:H/SC:N/SI:L/SA:H/E:X/CR:H/IR:X/AR:L/MSI:X/MSA:S/MAV:X", 9.1, "4.0")
        check("CVSS:4.0/AV:P/AC:H/AT:N/PR:H/UI:A/VC:N/VI:H/VA:L/SC:L/SI:L/SA:N/E:P/CR:M/IR:M/AR:M/MSI:S/MSA:L/MAV:N", 6.1, "4.0")
        check("CVSS:4.0/AV:P/AC:H/AT:N/PR:H/UI:A/VC:L/VI:L/VA:H/SC:N/SI:H/SA:L/E:X/CR:L/IR:L/AR:H/MSI:H/MSA:N/MAV:X", 5.5, "4.0")
        check("CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:A/VC:N/VI:N/VA:N/SC:L/SI:N/SA:N/E:A/CR:L/IR:X/AR:M/MSI:N/MSA:L/MAV:N", 2.0, "4.0")
        check("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0, "4.0")
    }

    /// Every vector in CVSS4_REFERENCE (lines "VECTOR SCORE", e.g. written by FIRST's calculator) scores the same.
    func testVersion4AgainstReferenceFile() throws {
        guard let path = ProcessInfo.processInfo.environment["CVSS4_REFERENCE"] else { throw XCTSkip("CVSS4_REFERENCE not set") }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        for line in lines {
            let parts = line.split(separator: " ")
            check(String(parts[0]), Double(parts[1])!, "4.0")
        }
    }

    func testMalformedVectors() {
        for bad in ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",        // A missing
                    "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",    // no such value
                    "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", // twice
                    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1", // unknown
                    "CVSS:3.1/AV:N//AC:L",
                    "CVSS:5.0/AV:N",
                    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
                    "AV:N/AC:L/Au:N/C:P/I:P"] {
            XCTAssertThrowsError(try CVSS.score(vector: bad), bad)
        }
    }

    func testQualitativeRanges() {
        XCTAssertEqual(CVSS.severity(forScore: 0), .info)
        XCTAssertEqual(CVSS.severity(forScore: 0.1), .low)
        XCTAssertEqual(CVSS.severity(forScore: 3.9), .low)
        XCTAssertEqual(CVSS.severity(forScore: 4.0), .medium)
        XCTAssertEqual(CVSS.severity(forScore: 6.9), .medium)
        XCTAssertEqual(CVSS.severity(forScore: 7.0), .high)
        XCTAssertEqual(CVSS.severity(forScore: 8.9), .high)
        XCTAssertEqual(CVSS.severity(forScore: 9.0), .critical)
        XCTAssertEqual(CVSS.severity(forScore: 10), .critical)
    }
}
