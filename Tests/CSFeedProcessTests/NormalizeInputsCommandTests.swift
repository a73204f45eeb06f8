import Foundation
import XCTest

/// cs-normalize on several files and on directories.
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

    /// A directory stands for its feed files, sorted, without hidden files or subdirectories.
    func testADirectoryIsReadAsTheFeedsInIt() throws {
        let dir = tmp.appendingPathComponent("feeds")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        func item(_ title: String) -> String {
            "<rss version=\"2.0\"><channel><title>\(title)</title><item><guid>1</guid><title>\(title)</title></item></channel></rss>"
        }
        try item("b").write(to: dir.appendingPathComponent("b.xml"), atomically: true, encoding: .utf8)
        try #"{"version":"https://jsonfeed.org/version/1.1","title":"a","items":[{"id":"1","title":"a"}]}"#
            .write(to: dir.appendingPathComponent("a.json"), atomically: true, encoding: .utf8)
        try item("C").write(to: dir.appendingPathComponent("C.xml"), atomically: true, encoding: .utf8)
        try "not a feed".write(to: dir.appendingPathComponent(".hidden"), atomically: true, encoding: .utf8)
        try item("nested").write(to: dir.appendingPathComponent("sub/n.xml"), atomically: true, encoding: .utf8)
        let r = try run([dir.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        XCTAssertEqual(r.records.map { $0["title"] as? String }, ["C", "a", "b"], "sorted by name (bytes), not recursive")

        let empty = tmp.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let e = try run([empty.path])
        XCTAssertEqual(e.status, 0)
        XCTAssertTrue(e.stderr.contains("directory with no feed files in it"), e.stderr)
        XCTAssertFalse(e.stderr.contains("Is a directory"), e.stderr)
    }
}
