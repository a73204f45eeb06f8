#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// Runs a pipeline file's stages as one pipeline of processes, with pipefail semantics:
/// the pipeline's status is that of the last stage that failed.
public struct PipelineRunner {
    public struct StageResult {
        public var step: PipelineFile.Step
        public var executable: String
        public var status: Int32
        public var stats: JSON?
    }

    public let pipeline: PipelineFile
    public let executables: [String]
    /// NAME=value settings given on the command line, passed to every stage.
    public let settings: [String]

    /// Resolves every stage's executable before anything starts.
    public init(pipeline: PipelineFile, settings: [String] = []) throws(StageError) {
        self.pipeline = pipeline
        self.settings = settings
        var executables: [String] = []
        for step in pipeline.steps {
            guard let path = StageLocator.find(stage: step.stage) else {
                throw StageError(.notFound, "\(pipeline.path):\(step.line): no executable cs-\(step.stage) beside cs or on PATH")
            }
            executables.append(path)
        }
        self.executables = executables
    }

    /// The equivalent shell pipeline, for `--dry-run`.
    public var shellCommand: String {
        let stages = zip(pipeline.steps, executables).map { step, path in
            (["cs-" + step.stage.replacingPrefix("cs-")] + step.arguments).map(ShellQuote.quote).joined(separator: " ")
        }
        let env = settings.map(ShellQuote.quote).joined(separator: " ")
        return "set -o pipefail; " + (env.isEmpty ? "" : env + " ") + stages.joined(separator: " \\\n  | ")
    }

    /// What a run did: each stage's result, and the signal (SIGINT or SIGTERM) that stopped it, or 0.
    public struct Outcome {
        public var results: [StageResult]
        public var stoppedBy: Int32
    }

    /// Runs the stages; stdin feeds the first, the last writes to stdout.
    public func run(collectStats: Bool) throws(StageError) -> [StageResult] {
        try execute(collectStats: collectStats).results
    }

    /// Runs the stages and waits for all of them. SIGINT and SIGTERM sent to this process are passed on
    /// to every stage still running (each then flushes and exits 128+N); a second one kills them (SIGKILL).
    /// The stages stay in this process group, so a terminal's Ctrl-C reaches them directly as well.
    public func execute(collectStats: Bool) throws(StageError) -> Outcome {
        var statsPath: String? = nil
        var extraEnvironment = settings
        if collectStats {
            var template = Array("/tmp/cs-run-stats-XXXXXX".utf8CString)
            let fd = mkstemp(&template)
            if fd >= 0 { close(fd); statsPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self) }
            if let statsPath { extraEnvironment.append("CS_STATS_FILE=" + statsPath) }
        }
        defer { if let statsPath { unlink(statsPath) } }
        OutputFolders.create(OutputFolders.folders(of: pipeline.steps))

        // Blocked from before the first spawn, so none is lost; taken with sigwaitinfo below, no handler needed.
        // The stages start with the signal mask this process had.
        signal(SIGCHLD, SIG_DFL)   // an inherited SIG_IGN would reap the stages behind our back
        var watched = SignalSet.of([SIGCHLD, SIGINT, SIGTERM])
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &watched, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }

        var pids: [pid_t] = []
        var input: Int32 = 0
        for (index, (step, path)) in zip(pipeline.steps, executables).enumerated() {
            let last = index == executables.count - 1
            var fds: [Int32] = [0, 1]
            if !last, pipe(&fds) != 0 {
                let message = "cannot create a pipe: \(String(cString: strerror(errno)))"
                stop(pids, input: input)
                throw StageError(.resourceExhausted, message)
            }
            let output = last ? 1 : fds[1]
            do {
                let pid = try ChildProcess.spawn(path, step.arguments, stdin: input, stdout: output,
                                                 closing: last ? [] : [fds[0]], extraEnvironment: extraEnvironment,
                                                 signalMask: previous)
                pids.append(pid)
            } catch {
                if !last { close(fds[0]); close(fds[1]) }
                stop(pids, input: input)
                throw StageError(.internal, error.description)
            }
            if input != 0 { close(input) }
            if !last { close(fds[1]); input = fds[0] }
        }

        var statuses = [Int32?](repeating: nil, count: pids.count)
        var stoppedBy: Int32 = 0
        while true {
            for i in pids.indices where statuses[i] == nil { statuses[i] = ChildProcess.reapIfExited(pids[i]) }
            if !statuses.contains(nil) { break }
            // Returns at once if a stage ended (SIGCHLD) or a signal came since the check above.
            let received = sigwaitinfo(&watched, nil)
            guard received == SIGINT || received == SIGTERM else { continue }
            let forwarded = stoppedBy == 0 ? received : SIGKILL
            if stoppedBy == 0 { stoppedBy = received }
            for i in pids.indices where statuses[i] == nil { kill(pids[i], forwarded) }
        }

        var stats: [Int: JSON] = [:]
        if let statsPath, let text = readFile(statsPath) {
            for line in text.split(separator: "\n") {
                if let o = try? JSON.parse(String(line)), let pid = o["pid"]?.intValue, let i = pids.firstIndex(of: pid_t(pid)) { stats[i] = o }
            }
        }
        let results = pipeline.steps.indices.map {
            StageResult(step: pipeline.steps[$0], executable: executables[$0], status: statuses[$0] ?? 127, stats: stats[$0])
        }
        return Outcome(results: results, stoppedBy: stoppedBy)
    }

    /// A start that failed half-way: the stages already running are stopped and reaped.
    private func stop(_ pids: [pid_t], input: Int32) {
        if input != 0 { close(input) }
        for pid in pids { kill(pid, SIGTERM) }
        for pid in pids { _ = ChildProcess.wait(pid) }
    }

    /// pipefail: the status of the last stage that failed, or 0.
    public static func status(of results: [StageResult]) -> Int32 {
        results.last(where: { $0.status != 0 })?.status ?? 0
    }

    private func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let reader = LineReader(fd: fd)
        return (try? reader.readAll()).map { String(decoding: $0, as: UTF8.self) }
    }
}

public enum ShellQuote {
    /// A word as a POSIX shell reads it back unchanged. A variable left unresolved by a dry run
    /// (`PipelineFile.Unresolved.mark`) is shown as `${NAME}` inside double quotes, for the shell to fill in.
    public static func quote(_ word: String) -> String {
        if word.unicodeScalars.contains(PipelineFile.markStart) { return quoteMarked(word) }
        let safe = word.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || "0123456789-_./=:,+@%".unicodeScalars.contains($0)) }
        if safe && !word.isEmpty { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private static func quoteMarked(_ word: String) -> String {
        var out = "\""
        var inMark = false
        for c in word.unicodeScalars {
            switch c {
            case PipelineFile.markStart: out += "${"; inMark = true
            case PipelineFile.markEnd: out += "}"; inMark = false
            case "\"", "\\", "$", "`": out += (inMark ? "" : "\\") + String(c)
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }
}

extension String {
    func replacingPrefix(_ prefix: String) -> String { hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self }
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = self[...]
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound] + replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        let t = Array(target.utf8)
        var i = startIndex
        while i < endIndex {
            if self[i...].utf8.starts(with: t) {
                let end = self.utf8.index(i, offsetBy: t.count)
                return i..<end
            }
            i = index(after: i)
        }
        return nil
    }
}
