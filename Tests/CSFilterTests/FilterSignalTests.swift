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
/// stdout and three huge lines have gone into the pipe (a pipe holds 64 KB, less than one line, so
/// cs-filter has read a whole huge line and is matching it, or is further on), with stdin kept open
/// and more lines queued. Whether the signal lands in a read or in a match, the stage must exit with 143.
final class FilterSignalTests: XCTestCase {
    func testTerminateDuringPathologicalMatchesExits143() throws {
        signal(SIGPIPE, SIG_IGN)   // the feeding thread writes into a pipe whose reader exits
        let process = Process()
        process.executableURL = try ToolRunner.executable("cs-filter")
        process.arguments = ["--line-buffered", "--where", #"title =~ "(a+)+$""#]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()

        let first = #"{"schema":"cs.advisory/1","title":"aaa"}"# + "\n"
        // Titles that end in '!': no match, and the worst case for a backtracking matcher.
        let huge = #"{"schema":"cs.advisory/1","title":""# + String(repeating: "a", count: 100_000) + #"!"}"# + "\n"
        let writeFD = stdin.fileHandleForWriting.fileDescriptor
        let feederDone = DispatchSemaphore(value: 0), hugeLinesWritten = DispatchSemaphore(value: 0)
        let feeder = Thread {
            defer { hugeLinesWritten.signal(); feederDone.signal() }   // also when cs-filter went early
            // The first record, then huge lines until cs-filter stops reading (EPIPE). stdin stays open.
            _ = first.utf8CString.withUnsafeBufferPointer { write(writeFD, $0.baseAddress!, $0.count - 1) }
            var bytes = Array(huge.utf8)
            for written in 1... {
                if written == 4 { hugeLinesWritten.signal() }
                var offset = 0
                while offset < bytes.count {
                    let n = bytes.withUnsafeMutableBytes { write(writeFD, $0.baseAddress! + offset, $0.count - offset) }
                    if n < 0 { if errno == EINTR { continue }; return }
                    offset += n
                }
            }
        }
        feeder.start()

        // Readiness: the first record came out, and a huge line has been read whole.
        var output = Data()
        while !output.contains(0x0A) {
            let chunk = stdout.fileHandleForReading.availableData
            XCTAssertFalse(chunk.isEmpty, "cs-filter ended before writing the first record")
            if chunk.isEmpty { break }
            output.append(chunk)
        }
        hugeLinesWritten.wait()
        kill(process.processIdentifier, SIGTERM)
        output.append(stdout.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()

        XCTAssertEqual(process.terminationReason, .exit)
        XCTAssertEqual(process.terminationStatus, 143)
        XCTAssertEqual(String(decoding: output, as: UTF8.self), first, "only the matching record, and nothing after the signal")
        feederDone.wait()   // its write failed with EPIPE once cs-filter was gone
        try stdin.fileHandleForWriting.close()
    }
}
