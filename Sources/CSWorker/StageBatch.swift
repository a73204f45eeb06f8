#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore
import CSRun

/// Runs the stage over one batch as a child process: the records on its stdin, its stdout and
/// stderr collected whole, its `--dead-letter` file (one per batch, in the worker's temporary
/// folder) read back afterwards so that what it rejected is not lost.
struct StageBatch {
    let path: String
    let arguments: [String]
    let deadLetterPath: String

    struct Outcome {
        var status: Int32
        var output: [UInt8]
        var diagnostics: [UInt8]
        /// The stage's dead-letter lines (verbatim rejected lines, or its entries).
        var rejected: [[UInt8]]
    }

    /// The stage runs in its own process group: a Ctrl-C meant for the worker does not cut a batch
    /// short (the worker finishes it, then stops).
    func run(_ records: [[UInt8]]) throws(StageError) -> Outcome {
        unlink(deadLetterPath)
        var input: [UInt8] = []
        input.reserveCapacity(records.reduce(0) { $0 + $1.count + 1 })
        for r in records { input += r; input.append(0x0A) }

        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard StageBatch.pipeCloseOnExec(&inPipe), StageBatch.pipeCloseOnExec(&outPipe), StageBatch.pipeCloseOnExec(&errPipe) else {
            throw StageError(.resourceExhausted, "cannot make pipes for the stage: \(String(cString: strerror(errno)))")
        }
        let pid: pid_t
        do {
            pid = try ChildProcess.spawn(path, arguments + ["--dead-letter", deadLetterPath],
                                         stdin: inPipe[0], stdout: outPipe[1], stderr: errPipe[1], ownProcessGroup: true)
        } catch {
            for fd in inPipe + outPipe + errPipe { close(fd) }
            throw StageError(.notFound, error.description)
        }
        // The child's ends belong to the child now.
        close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
        var writeFD: Int32 = inPipe[1]
        _ = fcntl(writeFD, F_SETFL, fcntl(writeFD, F_GETFL) | O_NONBLOCK)
        var written = 0
        var output: [UInt8] = [], diagnostics: [UInt8] = []
        var open = [outPipe[0], errPipe[0]]
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        if input.isEmpty { close(writeFD); writeFD = -1 }
        // Feed stdin while draining stdout and stderr, so that neither side blocks on a full pipe.
        while writeFD >= 0 || !open.isEmpty {
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if writeFD >= 0 { fds.append(pollfd(fd: writeFD, events: Int16(POLLOUT), revents: 0)) }
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for p in fds where p.revents != 0 {
                if p.fd == writeFD {
                    let n = input.withUnsafeBytes { write(writeFD, $0.baseAddress! + written, $0.count - written) }
                    if n > 0 { written += n }
                    // Done, or the stage stopped reading (EPIPE: it exited early; its status says why).
                    if written == input.count || (n < 0 && errno != EAGAIN && errno != EINTR) {
                        close(writeFD); writeFD = -1
                    }
                    continue
                }
                let n = buffer.withUnsafeMutableBytes { read(p.fd, $0.baseAddress!, $0.count) }
                if n > 0 {
                    if p.fd == outPipe[0] { output += buffer[0..<n] } else { diagnostics += buffer[0..<n] }
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    close(p.fd)
                    open.removeAll { $0 == p.fd }
                }
            }
        }
        if writeFD >= 0 { close(writeFD) }
        for fd in open { close(fd) }
        let status = ChildProcess.wait(pid)
        var rejected: [[UInt8]] = []
        if let text = StageBatch.readFile(deadLetterPath) {
            rejected = StageBatch.lines(text)
            unlink(deadLetterPath)
        }
        return Outcome(status: status, output: output, diagnostics: diagnostics, rejected: rejected)
    }

    /// A pipe whose ends the stage does not inherit (it gets only the ends dup2'ed onto 0, 1 and 2).
    static func pipeCloseOnExec(_ fds: inout [Int32]) -> Bool {
        guard pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }

    /// The non-empty lines of `bytes` (memchr: the generic split is slow on large outputs).
    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var start = 0
            while start < buffer.count {
                let end = memchr(base + start, 0x0A, buffer.count - start).map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base } ?? buffer.count
                if end > start { out.append(Array(UnsafeBufferPointer(start: base + start, count: end - start))) }
                start = end + 1
            }
        }
        return out
    }

    static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        guard readToEnd(fd, appendingTo: &out, chunk: 65536) == 0 else { return nil }
        return out
    }
}

extension StageBatch.Outcome {
    /// The output records, one per line (blank lines dropped).
    var records: [[UInt8]] { StageBatch.lines(output) }

    /// The stage's stderr as text, its last part when long (it goes into Redis and dead-letter entries).
    var diagnosticsText: String {
        let tail = diagnostics.count > 4000 ? Array(diagnostics.suffix(4000)) : diagnostics
        return String(decoding: tail, as: UTF8.self).trimmingCharacters(in: "\n")
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.last == set { s = s.dropLast() }
        while s.first == set { s = s.dropFirst() }
        return String(s)
    }
}
