import Foundation
import XCTest
import CSTestSupport

/// `--to FILE` with a format that makes one document replaces the file with the new document
/// (written beside it and renamed over it); record lines are appended.
final class DocumentFileTests: XCTestCase {
    private let first = Data((SinkFixtures.lines[0..<3].joined(separator: "\n") + "\n").utf8)
    private let second = Data((SinkFixtures.lines[3...].joined(separator: "\n") + "\n").utf8)

    func testDocumentFormatsReplaceTheFile() throws {
        for format in [["json"], ["html"], ["markdown"], ["table"], ["csv"], ["tsv"]] {
            let dir = try folder()
            let file = dir.appendingPathComponent("out")
            XCTAssertEqual(try ToolRunner.run("cs-sink", ["--format"] + format + ["--to", file.path], stdin: first).status, 0)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
            let before = try inode(file)
            let run = try ToolRunner.run("cs-sink", ["--format"] + format + ["--to", file.path], stdin: second)
            XCTAssertEqual(run.status, 0, run.stderr)
            let expected = try ToolRunner.run("cs-sink", ["--format"] + format, stdin: second).stdout
            XCTAssertEqual(try Data(contentsOf: file), expected, "\(format): the file is the second document alone")
            XCTAssertNotEqual(try inode(file), before, "\(format): replaced by a rename, not rewritten in place")
            XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int, 0o600, "\(format): permissions kept")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["out"], "\(format): no temporary file left")
        }
    }

    func testRecordLinesAreAppended() throws {
        for format in [["ndjson"], ["ecs"], ["splunk"], ["csv", "--no-header"], ["tsv", "--no-header"]] {
            let dir = try folder()
            let file = dir.appendingPathComponent("out")
            XCTAssertEqual(try ToolRunner.run("cs-sink", ["--format"] + format + ["--to", file.path], stdin: first).status, 0)
            XCTAssertEqual(try ToolRunner.run("cs-sink", ["--format"] + format + ["--to", file.path], stdin: second).status, 0)
            let expected = try ToolRunner.run("cs-sink", ["--format"] + format, stdin: first + second).stdout
            if format == ["ecs"] {
                // @timestamp falls back to "now" for undated records: compare the line count only.
                XCTAssertEqual(try Data(contentsOf: file).split(separator: 0x0A).count, expected.split(separator: 0x0A).count)
            } else {
                XCTAssertEqual(try Data(contentsOf: file), expected, "\(format): both runs' lines, appended")
            }
        }
    }

    /// A symbolic link to the document stays a link; the file it names is replaced.
    func testSymbolicLinkIsFollowed() throws {
        let dir = try folder()
        let real = dir.appendingPathComponent("report.html"), link = dir.appendingPathComponent("latest.html")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: real.lastPathComponent)
        XCTAssertEqual(try ToolRunner.run("cs-sink", ["--format", "html", "--to", link.path], stdin: first).status, 0)
        XCTAssertEqual(try ToolRunner.run("cs-sink", ["--format", "html", "--to", link.path], stdin: second).status, 0)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link.path), "report.html")
        XCTAssertEqual(try Data(contentsOf: real), try ToolRunner.run("cs-sink", ["--format", "html"], stdin: second).stdout)
    }

    /// A named pipe (like a device: /dev/stderr) is written to, not replaced by a regular file.
    /// (Not tried on /dev/null: a regression run as root would replace the machine's /dev/null.)
    func testNamedPipeIsWrittenNotReplaced() throws {
        let fifo = try folder().appendingPathComponent("fifo")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/cat")
        reader.arguments = [fifo.path]
        let captured = Pipe()
        reader.standardOutput = captured
        try reader.run()
        addTeardownBlock { if reader.isRunning { reader.terminate() } }
        let sink = try ToolRunner.run("cs-sink", ["--format", "markdown", "--to", fifo.path], stdin: first)
        XCTAssertEqual(sink.status, 0, sink.stderr)
        var st = stat()
        XCTAssertEqual(lstat(fifo.path, &st), 0)
        guard st.st_mode & S_IFMT == S_IFIFO else {
            return XCTFail("the named pipe was replaced by a file")   // the reader, still waiting, is stopped at teardown
        }
        let text = captured.fileHandleForReading.readDataToEndOfFile()
        reader.waitUntilExit()
        XCTAssertEqual(text, try ToolRunner.run("cs-sink", ["--format", "markdown"], stdin: first).stdout)
    }

    private func folder() throws -> URL {
        let dir = ToolRunner.temporaryFile("documents")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    private func inode(_ url: URL) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: url.path)[.systemFileNumber] as? Int ?? -1
    }
}
