import Foundation
import XCTest
import CSTestSupport

/// Several cs-sink writing one file with `--rotate`: every record is kept exactly once across
/// FILE and its generations, no file passes the size, and a file is moved aside only when the
/// next record would not fit (not once per writer).
final class SharedRotationTests: XCTestCase {
    func testFourWritersRotatingOneFileKeepEveryLine() throws {
        let dir = ToolRunner.temporaryFile("rotation")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("shared.ndjson")
        let maxBytes = 16 << 10, keep = 200, writers = 4, perWriter = 280, chunk = 7
        let all = DeliveryRecords.lines(writers * perWriter)
        let longest = all.map { $0.utf8.count + 1 }.max()!

        let sink = try ToolRunner.executable("cs-sink")
        let procs: [(Process, Pipe)] = try (0..<writers).map { _ in
            let p = Process()
            p.executableURL = sink
            p.arguments = ["--to", file.path, "--rotate", "16K", "--keep", String(keep)]
            let input = Pipe()
            p.standardInput = input
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            addTeardownBlock { if p.isRunning { p.terminate() } }
            return (p, input)
        }
        // Rounds: each writer gets its next few records at about the same time (they contend for
        // the file); the round ends when all of them are in the files, so in the next round every
        // writer may hold a descriptor of a file another one has rotated since.
        var sent = 0
        for round in 0..<(perWriter / chunk) {
            for (w, (_, input)) in procs.enumerated() {
                let start = w * perWriter + round * chunk
                input.fileHandleForWriting.write(DeliveryRecords.data(Array(all[start..<start + chunk])))
            }
            sent += writers * chunk
            XCTAssertTrue(waitUntil { self.generations(of: file, keep: keep).reduce(0) { $0 + $1.lines.count } >= sent },
                          "round \(round): \(sent) lines written")
        }
        for (p, input) in procs {
            try input.fileHandleForWriting.close()
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0)
        }

        let files = generations(of: file, keep: keep)
        XCTAssertLessThan(files.count, keep, "no generation fell off the end")
        XCTAssertFalse(FileManager.default.fileExists(atPath: file.path + ".\(keep + 1)"))
        var seen: [String: Int] = [:]
        for f in files { for l in f.lines { seen[l, default: 0] += 1 } }
        XCTAssertEqual(seen.count, all.count, "every record kept")
        XCTAssertTrue(seen.values.allSatisfy { $0 == 1 }, "no record twice")
        XCTAssertEqual(Set(seen.keys), Set(all))
        for f in files {
            XCTAssertLessThanOrEqual(f.bytes, maxBytes, "\(f.name) within --rotate")
            if f.name != file.lastPathComponent {
                XCTAssertGreaterThan(f.bytes + longest, maxBytes, "\(f.name) was moved aside only when full")
            }
        }
    }

    /// FILE and FILE.1 ... FILE.keep that exist: name, size and lines.
    private func generations(of file: URL, keep: Int) -> [(name: String, bytes: Int, lines: [String])] {
        ([file.path] + (1...keep).map { "\(file.path).\($0)" }).compactMap { path in
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
            return ((path as NSString).lastPathComponent, data.count, lines)
        }
    }

    /// Waits until `condition` holds (the hang guard is the only bound).
    private func waitUntil(_ condition: () -> Bool) -> Bool {
        Readiness.wait(until: condition)
    }
}
