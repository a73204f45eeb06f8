import CSTestSupport
import Foundation
import XCTest

/// cs-normalize on JSON Feed documents read from a descriptor: they stream like RSS and Atom.
extension NormalizeCommandTests {
    func testFirstJSONFeedRecordLeavesBeforeTheDocumentEnds() throws {
        // One line, as most generators write it: the reader must not wait for its end.
        try assertFirstRecordLeavesEarly(
            head: #"{"version":"https://jsonfeed.org/version/1.1","title":"s","items":[{"id":"1","title":"early"},"#,
            tail: #"{"id":"2","title":"late"}]}"#)
    }

    func testJSONFeedFromAPipeInAnyKeyOrderMatchesTheFile() throws {
        // Sorted keys put items before title and version: on a pipe the items wait for the end.
        let doc = #"{"authors":[{"name":"Ann"}],"feed_url":"https://f.example/feed.json","items":[{"id":"a","url":"/a"},{"id":"b"}],"title":"T","version":"https://jsonfeed.org/version/1"}"#
        let fromFile = try run([try write("sorted.json", doc)])
        let fromPipe = try run([], stdin: Data(doc.utf8))
        XCTAssertEqual(fromFile.status, 0)
        XCTAssertEqual(fromFile.records.count, 2)
        XCTAssertEqual(fromPipe.stdout, fromFile.stdout)
        let source = try XCTUnwrap(fromFile.records.first?["source"] as? [String: Any])
        XCTAssertEqual(source["feed_url"] as? String, "https://f.example/feed.json")
        XCTAssertEqual(source["format"] as? String, "json-feed-1.0")
    }

    func testFeedLevelMemberAfterStreamedItemsIsReportedOnAPipe() throws {
        let doc = #"{"version":"https://jsonfeed.org/version/1.1","title":"T","items":[{"id":"a"}],"feed_url":"https://f.example/feed.json"}"#
        let fromFile = try run([try write("late.json", doc)])
        XCTAssertEqual(fromFile.stderr, "")
        XCTAssertEqual((fromFile.records.first?["source"] as? [String: Any])?["feed_url"] as? String, "https://f.example/feed.json")
        let fromPipe = try run([], stdin: Data(doc.utf8))
        XCTAssertEqual(fromPipe.records.count, 1)
        XCTAssertTrue(fromPipe.stderr.contains("feed-level \"feed_url\" after \"items\""), fromPipe.stderr)
    }

    func testBrokenJSONFeedKeepsTheItemsBeforeTheBreak() throws {
        let doc = "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[\n{\"id\":\"a\"},\n{\"id\":\"b\",,}]}"
        for args in [[try write("broken.json", doc)], []] {
            let r = try run(["--log-format", "json"] + args, stdin: args.isEmpty ? Data(doc.utf8) : nil)
            XCTAssertEqual(r.status, 2)
            XCTAssertEqual(r.records.count, 1)
            let diagnostics = r.stderr.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            XCTAssertTrue(diagnostics.contains { $0["code"] as? String == "DATA_LOSS" && ($0["message"] as? String)?.contains("line 3, column 11") == true }, r.stderr)
        }
    }

    func testMemoryStaysFlatOnALargeJSONFeed() throws {
        let time = "/usr/bin/time"
        guard FileManager.default.isExecutableFile(atPath: time) else { throw XCTSkip("\(time) not available to measure peak memory") }
        // 40 MB of items on one line: a reader that kept the document or its tree would need several times that.
        let path = tmp.appendingPathComponent("big.json")
        do {
            let filler = String(repeating: "lorem ipsum dolor sit amet ", count: 740)
            var doc = Data(#"{"version":"https://jsonfeed.org/version/1.1","title":"big","items":["#.utf8)
            for i in 0..<2000 {
                if i > 0 { doc.append(Data(",".utf8)) }
                doc.append(Data(#"{"id":"g\#(i)","title":"item \#(i)","content_text":"\#(filler)"}"#.utf8))
            }
            doc.append(Data("]}".utf8))
            XCTAssertGreaterThan(doc.count, 40_000_000)
            try doc.write(to: path)
        }
        let kib = try peakKiB(normalizing: path, time: time)
        XCTAssertLessThan(kib, 64 * 1024, "peak RSS \(kib) KiB")
    }
}

extension NormalizeCommandTests {
    /// A document that arrives a few bytes at a time (UTF-8 sequences, escapes, the byte-order mark and
    /// invalid bytes cut at every place) reads exactly as the same file.
    func testJSONFeedInTinyPiecesReadsLikeTheFile() throws {
        var doc: [UInt8] = [0xEF, 0xBB, 0xBF]
        doc += Array(#"{"version":"https://jsonfeed.org/version/1.1","title":"caf\u00e9 😀","items":["#.utf8)
        for i in 0..<12 {
            if i > 0 { doc += Array(",\n ".utf8) }
            doc += Array(#"{"id":\#(i * 7),"title":"t\"\\ é😀 "#.utf8) + [0xE9] + Array(#"","tags":[["n"],"x",1.5e3],"ext":{"a":[true,false,null]}}"#.utf8)
            if i == 5 { doc += Array(#","not an object""#.utf8) }
        }
        doc += Array("]}\n".utf8)
        let file = tmp.appendingPathComponent("pieces.json")
        try Data(doc).write(to: file)
        let expected = try run([file.path])
        XCTAssertEqual(expected.records.count, 12)

        let p = Process()
        p.executableURL = try Self.binary
        let out = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        p.standardInput = inp
        try p.run()
        final class Box: @unchecked Sendable { var data = Data() }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            box.data = out.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        var at = 0
        var size = 1
        while at < doc.count {
            let end = min(doc.count, at + size)
            inp.fileHandleForWriting.write(Data(doc[at..<end]))
            at = end
            size = size % 5 + 1
            // Each piece read on its own: the next is written once cs-normalize has read this one.
            XCTAssertTrue(Readiness.drained(inp, by: p), "cs-normalize stopped reading at byte \(at)")
        }
        try inp.fileHandleForWriting.close()
        done.wait()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, expected.status)
        XCTAssertEqual(String(decoding: box.data, as: UTF8.self), String(decoding: expected.stdout, as: UTF8.self))
    }
}
