import CSTestSupport
import XCTest

/// Randomized tests draw the same cases every run; a seed variable explores others.
final class SeededRandomTests: XCTestCase {
    func testTheSameSeedDrawsTheSameSequence() {
        var a = SeededRandom(state: 42), b = SeededRandom(state: 42), c = SeededRandom(state: 43)
        let first = (0..<8).map { _ in a.next() }
        XCTAssertEqual(first, (0..<8).map { _ in b.next() })
        XCTAssertNotEqual(first, (0..<8).map { _ in c.next() })
    }

    func testSeedIsFixedUnlessItsVariableSaysOtherwise() {
        XCTAssertEqual(SeededRandom.seed(7, environment: [:]), 7)
        XCTAssertEqual(SeededRandom.seed(7, environment: ["CS_TEST_SEED": "99"]), 99)
        XCTAssertEqual(SeededRandom.seed(7, environment: ["CS_TEST_SEED": "not a number"]), 7)
        XCTAssertEqual(SeededRandom.seed(7, variable: "CS_MUTATION_SEED", environment: ["CS_TEST_SEED": "99"]), 7)
    }
}
