#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSPosix
import Synchronization

/// The running stage: its diagnostics, output, dead-letter file, counters and exit policy.
/// Executables parse their arguments, make a `Stage`, hand it to their library, and call `finish()`.
public final class Stage {
    public let name: String
    public let diagnostics: Diagnostics
    public let output: OutputWriter
    public let deadLetter: DeadLetter?
    public let maxLineBytes: Int
    /// Input lines (or documents, records, feeds) that were reported and skipped.
    public private(set) var rejected = 0
    /// How many were rejected with each code: the closing count names them (a lone UNIMPLEMENTED
    /// document is not a DATA_LOSS one).
    private var rejectedCodes: [StatusCode: Int] = [:]
    public private(set) var linesRead = 0
    /// Records handed to a destination other than stdout (a file, a database, a server); a stage that
    /// delivers elsewhere counts them here so `cs run --stats` reports them as its output.
    public private(set) var recordsDelivered: Int? = nil

    /// Counters and diagnostics may be reached from a second thread (cs-sink's flush timer).
    private let reporting = Mutex(())

    public func recordDelivered(_ count: Int = 1) {
        reporting.withLock { _ in recordsDelivered = (recordsDelivered ?? 0) + count }
    }

    public init(name: String, settings options: StageSettings, output: OutputWriter? = nil) {
        cs_install_signal_handlers()
        ProcessInfoLite.stageName = name
        self.name = name
        diagnostics = Diagnostics(stage: name, format: options.logFormat, quiet: options.quiet)
        self.output = output ?? OutputWriter(fd: 1, lineBuffered: options.lineBuffered)
        maxLineBytes = max(1024, options.maxLineBytes)
        if let path = options.deadLetter {
            do { deadLetter = try DeadLetter(path: path) } catch {
                diagnostics.error(error.code, error.message)
                _exit(ExitStatus.failure.rawValue)
            }
        } else {
            deadLetter = nil
        }
    }

    /// Reads every input ("-" is stdin; no inputs means stdin) line by line. Blank lines are skipped;
    /// lines over `--max-line`, unreadable files and read errors are reported and counted.
    public func forEachLine(of inputs: [String], _ body: (InputLine, Position) -> Void) {
        for input in inputs.isEmpty ? ["-"] : inputs {
            guard let fd = openInput(input) else { continue }
            defer { if fd != 0 { close(fd) } }
            let reader = LineReader(fd: fd, maxLineBytes: maxLineBytes)
            while true {
                do {
                    guard let line = try reader.next() else { break }
                    // Checked before the line counts as read: a stopped stage neither counts nor handles it.
                    if cs_stop_signal() != 0 { interrupted(cs_stop_signal()) }
                    linesRead += 1
                    if isBlank(line.bytes) { continue }
                    body(line, Position(input: input, line: line.number))
                } catch {
                    switch error {
                    case let .lineTooLong(number, limit):
                        reject(nil, at: Position(input: input, line: number), .resourceExhausted,
                               "line longer than \(limit) bytes (raise --max-line); skipped, too long to hold")
                    case let .interrupted(signal):
                        interrupted(signal)
                    case let .readFailed(e):
                        reject(nil, at: Position(input: input), .dataLoss, "read failed: \(systemErrorText(e))")
                        break
                    }
                    if case .readFailed = error { break }
                }
            }
        }
    }

    /// Opens an input for reading; "-" is stdin. A missing or unreadable file is reported and counted.
    public func openInput(_ input: String) -> Int32? {
        if input == "-" { return 0 }
        let fd = open(input, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            reject(nil, at: Position(input: input), StatusCode(errno: e), "cannot open: \(systemErrorText(e))")
            return nil
        }
        return fd
    }

    /// Reports a rejected line (or input), keeps it in the dead-letter file, and counts it. A line is kept
    /// verbatim; without one, the entry says what was rejected: the input's URL or path, or its position.
    public func reject(_ line: UnsafeBufferPointer<UInt8>?, at position: Position, _ code: StatusCode, _ message: String, id: String? = nil) {
        reject(keeping: line.map { .line($0) } ?? Stage.item(at: position), at: position, code, message, id: id)
    }

    /// Reports a rejection, keeps `item` in the dead-letter file, and counts it. A dead-letter write that
    /// fails is reported once, when it first happens; `finish()` then says how many were not kept and exits 3.
    public func reject(keeping item: DeadLetterItem, at position: Position, _ code: StatusCode, _ message: String, id: String? = nil) {
        reporting.withLock { _ in
            rejected += 1
            rejectedCodes[code, default: 0] += 1
            diagnostics.error(code, message, at: position, id: id)
            guard let deadLetter else { return }
            let hadFailed = deadLetter.writeError != nil
            if !deadLetter.keep(item, stage: name, at: position, code: code, reason: message, id: id), !hadFailed,
               let e = deadLetter.writeError {
                diagnostics.error(StatusCode(errno: e), "cannot write dead-letter file \(deadLetter.path): \(systemErrorText(e)); "
                                  + "rejected inputs are not kept (the stage goes on and exits with status 3)")
            }
        }
    }

    /// What to keep of a rejection that came without its line: a URL or a whole named file, else the position.
    static func item(at position: Position) -> DeadLetterItem {
        guard let input = position.input, input != "-", position.line == nil else { return .position }
        return input.contains("://") ? .url(input) : .path(input)
    }

    /// Flushes, reports what was rejected, and exits with the status policy's code.
    public func finish(noMatch: Bool = false) -> Never {
        output.flush()
        var status: ExitStatus = rejected > 0 ? .partial : (noMatch ? .noMatch : .success)
        // Some rejections are nowhere but in the diagnostics: fail (docs/contract.md).
        if !reportRejected() { status = .failure }
        reportStats(status: status.rawValue)
        exit(status.rawValue)
    }

    /// The closing count of rejected inputs, when there were any; false when some of them could not be
    /// kept in the dead-letter file (so they are nowhere but in the diagnostics).
    @discardableResult
    private func reportRejected() -> Bool {
        let rejectedText = "\(rejected) input\(rejected == 1 ? "" : "s") rejected"
        if let deadLetter, deadLetter.notKept > 0 {
            let why = deadLetter.writeError.map { ": \(systemErrorText($0))" } ?? ""
            diagnostics.error(.dataLoss, "\(rejectedText), \(deadLetter.notKept) NOT kept in \(deadLetter.path)\(why)"
                              + (deadLetter.kept > 0 ? " (\(deadLetter.kept) kept)" : ""))
            return false
        }
        if rejected > 0 {
            let kept = deadLetter.map { ", kept in \($0.path)" } ?? ""
            if rejectedCodes.count == 1, let code = rejectedCodes.keys.first {
                diagnostics.emit(.warning, code, rejectedText + kept)
            } else {
                diagnostics.emit(.warning, .dataLoss, rejectedText + " (" + Self.countsByCode(rejectedCodes) + ")" + kept)
            }
        }
        return true
    }

    /// `2 INVALID_ARGUMENT, 1 NOT_FOUND`: the most frequent first, then by name.
    static func countsByCode(_ counts: [StatusCode: Int]) -> String {
        counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.rawValue < $1.key.rawValue }
            .map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ")
    }

    /// `cs run --stats` sets CS_STATS_FILE; each stage appends one JSON line with its counts.
    private func reportStats(status: Int32) {
        guard let path = getenv("CS_STATS_FILE").map({ String(cString: $0) }), !path.isEmpty else { return }
        let o = JSON.object()
        o.set("stage", .string(name))
        o.set("pid", .int(Int(getpid())))
        o.set("lines_in", .int(linesRead))
        o.set("records_out", .int(recordsDelivered ?? output.recordsWritten))
        o.set("rejected", .int(rejected))
        o.set("status", .int(Int(status)))
        // Statistics are a report, not output: a file that cannot take them is said, not fatal.
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let e = errno
            diagnostics.warning(StatusCode(errno: e), "cannot write statistics to \(path) (CS_STATS_FILE): \(systemErrorText(e))")
            return
        }
        defer { close(fd) }
        var line = o.serialized()
        line.append(0x0A)
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
        if written != line.count {
            let e = written < 0 ? errno : EIO
            diagnostics.warning(StatusCode(errno: e), "cannot write statistics to \(path) (CS_STATS_FILE): \(systemErrorText(e))")
        }
    }

    /// A fatal error: report it, flush what was produced, exit with `failure`.
    public func fail(_ error: StageError) -> Never {
        output.flush()
        diagnostics.error(error.code, error.message)
        exit(ExitStatus.failure.rawValue)
    }

    /// Work to finish before a stopped stage reports its counts (cs-sink delivering or
    /// dead-lettering its pending batch), so that what it did is in the closing report and stats.
    public func onInterrupt(_ action: @escaping () -> Void) {
        interruptActions.append(action)
    }
    private var interruptActions: [() -> Void] = []

    /// SIGINT/SIGTERM: finish what was read (`onInterrupt`), flush what is complete, report what
    /// was rejected and the stats line, and exit with 128 + signal.
    public func interrupted(_ signal: Int32) -> Never {
        let actions = interruptActions
        interruptActions = []
        for action in actions { action() }
        output.flush()
        let status = ExitStatus.interrupted(by: signal)
        reportRejected()
        reportStats(status: status)
        exit(status)
    }

    @inline(__always)
    private func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for c in bytes where !(c == 0x20 || c == 0x09 || c == 0x0D) { return false }
        return true
    }
}
