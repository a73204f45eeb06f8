#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation
import XCTest
import CSTestSupport

/// SIGTERM reaches cs-normalize while it streams a document from a pipe that is still open and has
/// nothing more to read: the read must not be restarted after EINTR, the stage exits with 128+15. No
/// timing is guessed: the signal is sent once the first record is out (cs-normalize is then reading on),
/// and the test waits for the exit.
final class NormalizeSignalTests: XCTestCase {
    func testTerminateWhileAnRSSDocumentStreamsExits143() throws {
        // Enough text after the first items for libxml2's read-ahead to reach past them (16 KB).
        let description = String(repeating: "padding ", count: 2000)
        let head = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>Slow</title><link>https://slow.example/</link><description>\(description)</description>
            <item><title>First</title><link>https://slow.example/1</link><guid>1</guid></item>
            <item><title>Second</title><link>https://slow.example/2</link><guid>2</guid></item>
            <item><title>Third, not yet whole</title><description>\(description)
            """
        try terminateAfterFirstRecord(head)
    }

    func testTerminateWhileAJSONFeedStreamsExits143() throws {
        let head = """
            {"version":"https://jsonfeed.org/version/1.1","title":"Slow","items":[
            {"id":"1","title":"First","url":"https://slow.example/1"},
            {"id":"2","title":"Second","url":"https://slow.example/2"},
            {"id":"3","title":"Third, not yet whole","content_text":"\(String(repeating: "padding ", count: 200))
            """
        try terminateAfterFirstRecord(head)
    }

    private func terminateAfterFirstRecord(_ head: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let process = Process()
        process.executableURL = try ToolRunner.executable("cs-normalize")
        process.arguments = ["--line-buffered"]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The start of the document; stdin stays open with nothing more in it.
        stdin.fileHandleForWriting.write(Data(head.utf8))

        // Readiness: the first record came out, so cs-normalize is streaming the document.
        var output = Data()
        while !output.contains(0x0A) {
            let chunk = stdout.fileHandleForReading.availableData
            XCTAssertFalse(chunk.isEmpty, "cs-normalize ended before writing the first record", file: file, line: line)
            if chunk.isEmpty { break }
            output.append(chunk)
        }
        kill(process.processIdentifier, SIGTERM)
        output.append(stdout.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        try stdin.fileHandleForWriting.close()

        XCTAssertEqual(process.terminationReason, .exit, file: file, line: line)
        XCTAssertEqual(process.terminationStatus, 143, file: file, line: line)
        let records = String(decoding: output, as: UTF8.self).split(separator: "\n")
        XCTAssertFalse(records.isEmpty, file: file, line: line)
        XCTAssertTrue(records.allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") }, "whole records only", file: file, line: line)
    }
}
