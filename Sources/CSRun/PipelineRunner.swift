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

    /// Runs the stages; stdin feeds the first, the last writes to stdout.
    public func run(collectStats: Bool) throws(StageError) -> [StageResult] {
        var statsPath: String? = nil
        var extraEnvironment = settings
        if collectStats {
            var template = Array("/tmp/cs-run-stats-XXXXXX".utf8CString)
            let fd = mkstemp(&template)
            if fd >= 0 { close(fd); statsPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self) }
            if let statsPath { extraEnvironment.append("CS_STATS_FILE=" + statsPath) }
        }
        defer { if let statsPath { unlink(statsPath) } }

        var pids: [pid_t] = []
        var input: Int32 = 0
        for (index, (step, path)) in zip(pipeline.steps, executables).enumerated() {
            let last = index == executables.count - 1
            var fds: [Int32] = [0, 1]
            if !last, pipe(&fds) != 0 { throw StageError(.resourceExhausted, "cannot create a pipe: \(String(cString: strerror(errno)))") }
            let output = last ? 1 : fds[1]
            do {
                let pid = try ChildProcess.spawn(path, step.arguments, stdin: input, stdout: output,
                                                 closing: last ? [] : [fds[0]], extraEnvironment: extraEnvironment)
                pids.append(pid)
            } catch {
                for pid in pids { kill(pid, SIGTERM) }
                throw StageError(.internal, error.description)
            }
            if input != 0 { close(input) }
            if !last { close(fds[1]); input = fds[0] }
        }
        let statuses = pids.map { ChildProcess.wait($0) }
        var stats: [Int: JSON] = [:]
        if let statsPath, let text = readFile(statsPath) {
            for line in text.split(separator: "\n") {
                if let o = try? JSON.parse(String(line)), let pid = o["pid"]?.intValue, let i = pids.firstIndex(of: pid_t(pid)) { stats[i] = o }
            }
        }
        return pipeline.steps.indices.map {
            StageResult(step: pipeline.steps[$0], executable: executables[$0], status: statuses[$0], stats: stats[$0])
        }
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
    /// A word as a POSIX shell reads it back unchanged.
    public static func quote(_ word: String) -> String {
        let safe = word.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || "0123456789-_./=:,+@%".unicodeScalars.contains($0)) }
        if safe && !word.isEmpty { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
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
