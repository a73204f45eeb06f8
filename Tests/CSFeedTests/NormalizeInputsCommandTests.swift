import Foundation
import XCTest

/// cs-normalize on several files: each feed keeps its own identity in `uid`.
extension NormalizeCommandTests {
    func testTwoFilesWithTheSameGuidsGiveFourUids() throws {
        func doc(_ title: String) -> String {
            "<rss version=\"2.0\"><channel><title>\(title)</title>"
                + "<item><guid>1</guid><title>one</title></item><item><guid>2</guid><title>two</title></item></channel></rss>"
        }
        let a = try write("a.xml", doc("Feed A")), b = try write("b.xml", doc("Feed B"))
        let r = try run([a, b])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.records.count, 4)
        XCTAssertEqual(Set(r.records.compactMap { $0["uid"] as? String }).count, 4)

        // Documents that name nothing about themselves are told apart by their paths.
        let bare = "<rss version=\"2.0\"><channel><item><guid>1</guid></item></channel></rss>"
        let c = try write("c.xml", bare), d = try write("d.xml", bare)
        let r2 = try run([c, d])
        XCTAssertEqual(Set(r2.records.compactMap { $0["uid"] as? String }).count, 2, r2.stderr)
    }
}
