import Foundation
import XCTest

/// The Makefile's jobs: no job writes a file another job keeps.
final class MakefileTests: XCTestCase {
    /// `make run` used to write out/advisories.ndjson, the archive `make daily` appends to while its
    /// state file marks what it appended as seen: those advisories never came back.
    func testMakeRunDoesNotWriteTheDailyArchive() throws {
        let out = try Shell.temporaryDirectory().path
        let plan = try Shell.run("make -n run OUT='\(out)'")
        XCTAssertEqual(plan.status, 0, plan.stderr)
        // Files the run recipe writes: the targets of its `>` redirections.
        let written = plan.stdout.components(separatedBy: "> ").dropFirst().compactMap { rest -> String? in
            rest.split(separator: ";").first.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" \\\n")) }
        }
        XCTAssertFalse(written.isEmpty, plan.stdout)
        // Files the daily job keeps: what its pipeline's stages write (--to, --state).
        let daily = try Shell.run("cs run --dry-run pipelines/ndjson-archive OUT='\(out)'")
        XCTAssertEqual(daily.status, 0, daily.stderr)
        let words = daily.stdout.split(whereSeparator: \.isWhitespace).map(String.init)
        let kept = zip(words, words.dropFirst()).filter { ["--to", "--state"].contains($0.0) }.map(\.1)
        XCTAssertEqual(kept.count, 2, daily.stdout)
        for file in written { XCTAssertFalse(kept.contains(file), "make run writes \(file), which make daily keeps") }
        XCTAssertTrue(written.contains(out + "/run/advisories.ndjson"), "\(written)")
    }
}
