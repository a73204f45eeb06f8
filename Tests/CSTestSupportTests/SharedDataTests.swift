import CSTestSupport
import Foundation
import XCTest

/// `requireShared`: ../shared found, a skip without it, a failure without it when CI=true.
final class SharedDataTests: XCTestCase {
    private var shared: URL!

    override func setUpWithError() throws {
        shared = FileManager.default.temporaryDirectory.appendingPathComponent("cs-shared-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: shared.appendingPathComponent("attack"), withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: shared.appendingPathComponent("attack/enterprise.json"))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: shared)
    }

    func testPresentFileIsFoundWhateverCISays() {
        let expected = shared.appendingPathComponent("attack/enterprise.json")
        for environment in [[:], ["CI": "true"], ["CI": "false"]] {
            XCTAssertEqual(SharedData.lookup("attack/enterprise.json", in: shared, environment: environment), .found(expected))
        }
    }

    func testMissingFileSkipsOutsideCI() {
        for environment in [[:], ["CI": "false"], ["CI": ""], ["CI": "0"]] {
            guard case .skip(let message) = SharedData.lookup("seeds", in: shared, environment: environment) else {
                return XCTFail("\(environment): not a skip")
            }
            XCTAssertTrue(message.contains("../shared/seeds is not present"), message)
        }
    }

    func testMissingFileFailsInCI() {
        for value in ["true", "TRUE", "1", "yes"] {
            guard case .fail(let message) = SharedData.lookup("seeds", in: shared, environment: ["CI": value]) else {
                return XCTFail("CI=\(value): not a failure")
            }
            XCTAssertTrue(message.contains("../shared/seeds") && message.contains("CI=true"), message)
        }
    }

    /// The helper suites call: a skip (XCTSkip) or, when CI=true, an error that fails the test.
    func testRequireSharedThrowsASkipOrAFailure() {
        XCTAssertThrowsError(try requireShared("no/such/file-\(UUID().uuidString)")) { error in
            if SharedData.isCI(ProcessInfo.processInfo.environment) {
                XCTAssertTrue(error is SharedData.MissingInCI, "\(error)")
            } else {
                XCTAssertTrue(error is XCTSkip, "\(error)")
            }
        }
    }
}
