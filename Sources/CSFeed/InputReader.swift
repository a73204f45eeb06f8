#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore
import CSPosix

/// cs-normalize's reader for one input: enough buffering to look at the first bytes and decide what the
/// input is, then either NDJSON lines (without copying) or the rest handed on as a stream or as a whole.
final class InputReader {
    enum Next {
        case line(UnsafeBufferPointer<UInt8>, number: Int)
        /// A line over the limit, skipped up to its newline.
        case tooLong(number: Int)
        case end
        case failed(errno: Int32)
        case interrupted(signal: Int32)
    }

    let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private(set) var eof = false
    private var lineNumber = 0
    static let chunk = 256 << 10

    /// read(2) lands here first, then is appended to `buffer`.
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: InputReader.chunk, alignment: 16)

    init(fd: Int32) { self.fd = fd }
    deinit { scratch.deallocate() }

    /// The buffered bytes not yet consumed.
    var buffered: ArraySlice<UInt8> { buffer[start...] }

    /// Reads until at least `count` bytes are buffered or the input ends. nil, or an error.
    func fill(atLeast count: Int) -> Next? {
        while buffer.count - start < count, !eof {
            if let problem = readMore() { return problem }
        }
        return nil
    }

    /// Takes everything buffered (the caller goes on reading `fd` itself).
    func takeBuffered() -> [UInt8] {
        if start == 0 {
            let all = buffer
            buffer = []
            return all
        }
        let rest = Array(buffer[start...])
        buffer.removeAll()
        start = 0
        return rest
    }

    /// The rest of the input, whole.
    func readAll(limit: Int) -> (bytes: [UInt8]?, problem: Next?) {
        // A regular file says how big it is: one allocation instead of repeated doubling.
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) <= limit {
            buffer.reserveCapacity(Int(info.st_size) + Self.chunk)
        }
        while !eof {
            if buffer.count - start > limit { return (nil, .tooLong(number: 1)) }
            if let problem = readMore() { return (nil, problem) }
        }
        return (takeBuffered(), nil)
    }

    /// The first line (up to `limit` bytes) without consuming it, or nil when there is none that short.
    func peekFirstLine(limit: Int) -> ArraySlice<UInt8>? {
        var scanned = 0   // bytes after `start` known to hold no newline
        while true {
            if let nl = buffer[(start + scanned)...].firstIndex(of: 0x0A) { return buffer[start..<nl] }
            if eof { return buffer[start...] }
            if buffer.count - start > limit { return nil }
            scanned = buffer.count - start
            if readMore() != nil { return nil }
        }
    }

    /// The next line without its newline (and a trailing CR), valid until the next call.
    func nextLine(maxBytes: Int, _ body: (Next) -> Void) {
        var discarding = false
        var searchFrom = start
        while true {
            if let nl = buffer[searchFrom...].firstIndex(of: 0x0A) {
                lineNumber += 1
                let lineStart = start
                start = nl + 1
                if discarding || nl - lineStart > maxBytes { body(.tooLong(number: lineNumber)); return }
                var end = nl
                if end > lineStart, buffer[end - 1] == 0x0D { end -= 1 }
                buffer.withUnsafeBufferPointer { b in
                    body(.line(UnsafeBufferPointer(rebasing: b[lineStart..<end]), number: lineNumber))
                }
                return
            }
            if eof {
                guard start < buffer.count else { body(.end); return }
                lineNumber += 1
                let lineStart = start
                start = buffer.count
                if discarding || buffer.count - lineStart > maxBytes { body(.tooLong(number: lineNumber)); return }
                buffer.withUnsafeBufferPointer { b in
                    body(.line(UnsafeBufferPointer(rebasing: b[lineStart...]), number: lineNumber))
                }
                return
            }
            if buffer.count - start > maxBytes {
                // Over the limit: drop what is buffered of this line and keep looking for its end.
                discarding = true
                buffer.removeAll(keepingCapacity: true)
                start = 0
            }
            let scanned = buffer.count - start
            if let problem = readMore() { body(problem); return }
            searchFrom = start + scanned   // reading may have moved the buffered bytes
        }
    }

    /// One read(2) into the buffer, compacting consumed bytes first.
    private func readMore() -> Next? {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        while true {
            switch readSome(fd, into: scratch, honouringStop: true) {
            case .bytes(let n): buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<n])); return nil
            case .end: eof = true; return nil
            case .stopped(let signal): return .interrupted(signal: signal)
            case .failed(let e): return .failed(errno: e)
            }
        }
    }
}
