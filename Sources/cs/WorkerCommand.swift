import ArgumentParser
import CSCommandLine
import CSCore
import CSPosix
import CSRedis
import CSRun
import CSWorker
#if canImport(Glibc)
import Glibc
#endif

/// `cs worker`: a stage bound to Redis Streams (docs/scale-out.md).
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run a stage over a Redis stream as a consumer group member: at least once, nothing lost when a worker dies.",
        discussion: """
            Reads batches with XREADGROUP, runs the stage over each batch as a child process (records on its stdin), then XADDs its output records to --to and XACKs the batch in one MULTI/EXEC (without --to: writes them to stdout, then XACKs). The group is created (MKSTREAM) when missing. Entries idle longer than --claim-idle with a consumer (a dead worker's batch) are taken over with XAUTOCLAIM; an entry delivered more than --max-deliveries times is dead-lettered with the stage's last diagnostics. An entry without a 'record' field, or whose record is not one JSON object, is dead-lettered with its id and the reason. Records the stage rejects (exit 2) go to --dead-letter too, and the batch is acknowledged. Dead letters are counted (see --status).

            While the stage runs, the next batch is read and the last commit is sent (a worker holds up to two batches). SIGINT/SIGTERM: the batch in hand and the one read ahead are finished, then the worker exits 0. A lost connection is retried with backoff. The password comes from --password-env, never from the command line.

            EXAMPLES:
              cs worker --from redis://redis/cs:fetched --group normalize \\
                        --to redis://redis/cs:records -- cs-normalize
              cs worker --from redis://redis/cs:records --group high --batch 1000 \\
                        --to redis://redis/cs:high --dead-letter redis://redis/cs:dead \\
                        -- cs-filter --sev high
              cs worker --from redis://redis/cs:high --group archive -- cs-sink --to sqlite:cs.db
              cs worker --status redis://redis/cs:records --group high
            """)

    @Option(help: ArgumentHelp("Input stream: redis://[USER@]HOST[:PORT][/DB]/STREAM.", valueName: "url"))
    var from: String?

    @Option(help: ArgumentHelp("Consumer group (created when missing, from the start of the stream).", valueName: "name"))
    var group: String

    @Option(help: ArgumentHelp("This worker's name in the group (default HOST-PID). A worker restarted under the same name takes up its own pending entries first.", valueName: "name"))
    var consumer: String?

    @Option(help: ArgumentHelp("Output stream for the stage's records (default: stdout).", valueName: "url"))
    var to: String?

    @Option(help: ArgumentHelp("Entries per batch (one stage process per batch).", valueName: "n"))
    var batch: Int = 500

    @Option(name: .customLong("claim-idle"), help: ArgumentHelp("Take over entries pending this long with another consumer: 60s, 2m, 500ms.", valueName: "duration"))
    var claimIdle: String = "60s"

    @Option(name: .customLong("max-deliveries"), help: ArgumentHelp("Dead-letter an entry delivered more often than this.", valueName: "n"))
    var maxDeliveries: Int = 5

    @Option(name: .customLong("dead-letter"), help: ArgumentHelp("Where rejected entries and records go: a FILE or redis://…/STREAM.", valueName: "dest"))
    var deadLetter: String?

    @Option(name: .customLong("password-env"), help: ArgumentHelp("Environment variable holding the Redis password (all the URLs given share it).", valueName: "var"))
    var passwordEnv: String?

    @Flag(help: "Print batches, entries, records out, dead-lettered and claimed on stderr at the end.")
    var stats = false

    @Option(help: ArgumentHelp("Print the group's lag, pending entries, consumers and dead-lettered count for this stream, and exit.", valueName: "url"))
    var status: String?

    @Option(name: .customLong("log-format"), help: ArgumentHelp("Diagnostics as text or json.", valueName: "format"))
    var logFormat: LogFormat = .text

    @Argument(parsing: .postTerminator, help: ArgumentHelp("-- STAGE [ARGS…]: the stage (cs-NAME, NAME, or a path) and its arguments.", valueName: "stage"))
    var stage: [String] = []

    func validate() throws {
        if status != nil {
            guard from == nil, to == nil, stage.isEmpty else { throw ValidationError("--status takes no --from, --to or stage") }
            return
        }
        guard from != nil else { throw ValidationError("--from redis://…/STREAM is required (or --status)") }
        guard !stage.isEmpty else { throw ValidationError("no stage: give it after --, e.g. cs worker --from … --group G -- cs-filter --sev high") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard maxDeliveries >= 1 else { throw ValidationError("--max-deliveries must be at least 1") }
        guard let idle = parseDuration(claimIdle), idle > 0 else { throw ValidationError("--claim-idle: '\(claimIdle)' is not a duration such as 60s, 2m or 500ms") }
        _ = idle
        if stage.dropFirst().contains(where: { $0 == "--dead-letter" || $0.hasPrefix("--dead-letter=") }) {
            throw ValidationError("the stage's --dead-letter is the worker's: give --dead-letter to cs worker (the stage's rejections are passed on there)")
        }
        guard !group.isEmpty else { throw ValidationError("--group must not be empty") }
    }

    func run() throws {
        let diagnostics = Diagnostics(stage: "cs worker", format: logFormat)
        func url(_ text: String, _ option: String) throws -> RedisURL {
            do { return try RedisURL(parsing: text) } catch {
                if error.code == .unimplemented {
                    diagnostics.error(.unimplemented, "\(option): \(error.message)")
                    throw ExitCode(ExitStatus.failure.rawValue)
                }
                throw ValidationError("\(option): \(error.message)")
            }
        }
        var password: String?
        if let passwordEnv {
            do { password = try RedisPassword.fromEnvironment(passwordEnv) } catch { throw ValidationError(error.message) }
        }
        if let status {
            do {
                for line in try WorkerStatus.lines(url: try url(status, "--status"), group: group, password: password) { print(line) }
            } catch let error as StageError {
                diagnostics.error(error.code, error.message)
                throw ExitCode(ExitStatus.failure.rawValue)
            }
            return
        }
        guard let path = StageLocator.find(stage: stage[0]) else {
            throw ValidationError("'\(stage[0])' is not a stage: no executable cs-\(stage[0].replacingPrefixCS) beside cs or on PATH")
        }
        var options = WorkerOptions(from: try url(from!, "--from"), group: group, consumer: consumer ?? WorkerCommand.defaultConsumer,
                                    stagePath: path, stageArguments: Array(stage.dropFirst()))
        options.to = try to.map { try url($0, "--to") }
        if let deadLetter, RedisURL.isRedis(deadLetter) { _ = try url(deadLetter, "--dead-letter") }
        options.password = password
        options.batch = batch
        options.claimIdle = parseDuration(claimIdle)!
        options.maxDeliveries = maxDeliveries
        options.deadLetter = deadLetter
        options.stats = stats
        cs_install_signal_handlers()
        guard let folder = WorkerCommand.temporaryFolder() else {
            diagnostics.error(.resourceExhausted, "cannot make a temporary folder: \(String(cString: strerror(errno)))")
            throw ExitCode(ExitStatus.failure.rawValue)
        }
        defer { rmdir(folder) }
        let worker: Worker
        do { worker = try Worker(options: options, diagnostics: diagnostics, temporaryDirectory: folder) } catch {
            diagnostics.error(error.code, error.message)
            throw ExitCode(ExitStatus.failure.rawValue)
        }
        let code = worker.run()
        if code != 0 { throw ExitCode(code) }
    }

    static var defaultConsumer: String {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count - 1)
        return "\(String(cString: name))-\(getpid())"
    }

    /// The stage's per-batch dead-letter file lives here.
    static func temporaryFolder() -> String? {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(base)/cs-worker-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else { return nil }
        return String(cString: template)
    }
}

