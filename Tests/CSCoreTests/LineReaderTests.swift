import XCTest
@testable import CSCore

final class LineReaderTests: XCTestCase {
    /// Writes `data` into a pipe from another thread and returns the read end.
    private func pipeReader(_ data: [UInt8]) -> Int32 {
        var fds: [Int32] = [0, 0]
        pipe(&fds)
        let writeEnd = fds[1]
        Thread.detachNewThread {
            data.withUnsafeBytes { buf in
                var off = 0
                while off < buf.count {
                    let n = write(writeEnd, buf.baseAddress! + off, min(4096, buf.count - off))
                    if n <= 0 { break }
                    off += n
                }
            }
            close(writeEnd)
        }
        return fds[0]
    }

    private func lines(_ text: String, max: Int = LineReader.defaultMaxLineBytes) -> ([String], [String]) {
        let fd = pipeReader(Array(text.utf8))
        defer { close(fd) }
        let reader = LineReader(fd: fd, maxLineBytes: max, initialCapacity: 16)
        var out: [String] = [], errors: [String] = []
        while true {
            do {
                guard let l = try reader.next() else { break }
                out.append("\(l.number):\(l.text)")
            } catch { errors.append("\(error)") }
        }
        return (out, errors)
    }

    func testSplitsLinesAndNumbersThem() {
        XCTAssertEqual(lines("a\nbb\r\n\nccc").0, ["1:a", "2:bb", "3:", "4:ccc"])
    }

    func testLinesLongerThanTheInitialBufferGrow() {
        let long = String(repeating: "x", count: 100_000)
        XCTAssertEqual(lines("a\n\(long)\nb\n").0, ["1:a", "2:\(long)", "3:b"])
    }

    func testOverlongLineIsReportedAndSkipped() {
        let long = String(repeating: "y", count: 50_000)
        let (out, errors) = lines("a\n\(long)\nb\n", max: 4096)
        XCTAssertEqual(out, ["1:a", "3:b"])
        XCTAssertEqual(errors, ["line 2 is longer than 4096 bytes; skipped"])
    }

    /// A limit below the buffer's smallest size (4 KiB) holds too: `--max-line 1024` rejects a 3000-byte line.
    func testLimitBelowTheBufferSizeIsKept() {
        let long = String(repeating: "z", count: 3000)
        let (out, errors) = lines("a\n\(long)\nb\n\(long)", max: 1024)
        XCTAssertEqual(out, ["1:a", "3:b"])
        XCTAssertEqual(errors, ["line 2 is longer than 1024 bytes; skipped", "line 4 is longer than 1024 bytes; skipped"])
    }
}
