#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation
import XCTest
import CSTestSupport

/// SIGTERM reaches cs-filter while it matches `(a+)+$` against huge titles (glibc's regexec ignored it
/// for minutes per title). The test never guesses timing: it signals once the first record is on
/// stdout, huge lines have gone into the pipe and cs-filter has read the first of them whole (it is
/// matching it, or is further on), with stdin kept open and more lines queued. Whether the signal
/// lands in a read or in a match, the stage must exit with 143.
final class FilterSignalTests: XCTestCase {
    func testTerminateDuringPathologicalMatchesExits143() throws {
        // Titles that end in '!': no match, and the worst case for a backtracking matcher.
        try terminate(["--where", #"title =~ "(a+)+$""#], first: #"{"schema":"cs.advisory/1","id":"s","title":"aaa"}"#,
                      huge: #"{"schema":"cs.advisory/1","id":"s","title":""# + String(repeating: "a", count: 100_000) + #"!"}"#)
    }

    /// A match cut short by the signal answers "no match"; with `--invert` that would select the record.
    /// cs-filter must exit before acting on it. `a[ab]{1000}c` over random a/b text is the engine's
    /// slowest case (the NFA simulation, about a thousand steps per byte: seconds per line), so the
    /// signal, sent once the first huge line is in, usually lands inside its match; wherever it lands,
    /// nothing but the first record may come out.
    func testTerminateDuringAMatchWritesNothingWithInvert() throws {
        var rng = SeededRandom(state: 11)
        let text = String((0..<300_000).map { _ in Bool.random(using: &rng) ? Character("a") : Character("b") })
        try terminate(["--invert", "--grep", "a[ab]{1000}c"], first: #"{"schema":"cs.advisory/1","id":"s","title":"x"}"#,
                      huge: #"{"schema":"cs.advisory/1","id":"s","title":"\#(text)c"}"#, hugeLinesBeforeSignal: 1)
    }

    /// Runs cs-filter with `arguments`, feeds `first` (which must be selected) and then `huge` lines until
    /// it stops reading, signals it once the first record is out and `hugeLinesBeforeSignal` huge lines
    /// have gone into the pipe, and checks the exit status and output.
    private func terminate(_ arguments: [String], first: String, huge: String, hugeLinesBeforeSignal: Int = 3,
                           file: StaticString = #filePath, line: UInt = #line) throws {
        signal(SIGPIPE, SIG_IGN)   // the feeding thread writes into a pipe whose reader exits
        let first = first + "\n", huge = huge + "\n"
        let process = Process()
        process.executableURL = try ToolRunner.executable("cs-filter")
        process.arguments = ["--line-buffered"] + arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()

        let writeFD = stdin.fileHandleForWriting.fileDescriptor
        let feederDone = DispatchSemaphore(value: 0), hugeLinesWritten = DispatchSemaphore(value: 0)
        let feeder = Thread {
            defer { hugeLinesWritten.signal(); feederDone.signal() }   // also when cs-filter went early
            // The first record, then huge lines until cs-filter stops reading (EPIPE). stdin stays open.
            _ = first.utf8CString.withUnsafeBufferPointer { write(writeFD, $0.baseAddress!, $0.count - 1) }
            var bytes = Array(huge.utf8)
            for written in 1... {
                if written == hugeLinesBeforeSignal + 1 { hugeLinesWritten.signal() }
                var offset = 0
                while offset < bytes.count {
                    let n = bytes.withUnsafeMutableBytes { write(writeFD, $0.baseAddress! + offset, $0.count - offset) }
                    if n < 0 { if errno == EINTR { continue }; return }
                    offset += n
                }
            }
        }
        feeder.start()

        // Readiness: the first record came out, and huge lines went in.
        var output = Data()
        while !output.contains(0x0A) {
            let chunk = stdout.fileHandleForReading.availableData
            XCTAssertFalse(chunk.isEmpty, "cs-filter ended before writing the first record", file: file, line: line)
            if chunk.isEmpty { break }
            output.append(chunk)
        }
        hugeLinesWritten.wait()
        // And cs-filter itself has read the first huge line to its end (Linux counts the bytes a
        // process reads in /proc/PID/io): it is matching it now, or is further on.
        let lineOne = first.utf8.count + huge.utf8.count
        while let read = Self.bytesRead(process.processIdentifier), read < lineOne { sched_yield() }
        kill(process.processIdentifier, SIGTERM)
        output.append(stdout.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()

        XCTAssertEqual(process.terminationReason, .exit, file: file, line: line)
        XCTAssertEqual(process.terminationStatus, 143, file: file, line: line)
        XCTAssertEqual(String(decoding: output, as: UTF8.self), first, "only the first record, and nothing after the signal", file: file, line: line)
        feederDone.wait()   // its write failed with EPIPE once cs-filter was gone
        try stdin.fileHandleForWriting.close()
    }

    /// `rchar` of /proc/PID/io: bytes the process has read so far; nil once it is gone.
    static func bytesRead(_ pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/io", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("rchar:") {
            return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}
