import ArgumentParser
import CSCommandLine
import CSCore
import CSRun
#if canImport(Glibc)
import Glibc
#endif

/// `cs STAGE ARGS…` runs `cs-STAGE` as git runs its subcommands; `plugins` and `run` are built in.
@main
struct CS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cs",
        abstract: "Threat-advisory feeds into ATT&CK-mapped NDJSON: the umbrella over the cs-* stages.",
        discussion: """
            Any other first word runs the stage of that name: `cs fetch URL` runs `cs-fetch URL`, looked up beside cs first, then on PATH. Plugins are executables named cs-NAME that honour the stage contract (docs/contract.md).

            EXAMPLES:
              cs fetch https://feed.example.org/feed.json | cs enrich | cs sink
              cs run pipelines/high-severity-digest
              cs run --dry-run pipelines/entra-id-watch
              cs plugins
              cs worker --from redis://redis/cs:records --group high \\
                        --to redis://redis/cs:high -- cs-filter --sev high
            """,
        version: CSVersion.string,
        subcommands: [Plugins.self, Run.self, WorkerCommand.self])

    static func main() {
        // Dispatch stages and plugins before argument parsing, so their own options pass through untouched.
        let args = Array(CommandLine.arguments.dropFirst())
        if let first = args.first, !first.hasPrefix("-"), !["plugins", "run", "worker", "help"].contains(first) {
            Dispatch.exec(stage: first, arguments: Array(args.dropFirst()))
        }
        StageMain.run(Self.self)
    }
}

enum Dispatch {
    static func exec(stage: String, arguments: [String]) -> Never {
        guard let path = StageLocator.find(stage: stage) else {
            let message = "cs: '\(stage)' is not a cs command: no executable cs-\(stage) beside cs or on PATH (see 'cs plugins')\n"
            writeStandardError(message)
            Glibc.exit(ExitStatus.usage.rawValue)
        }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        execv(path, argv)
        writeStandardError("cs: cannot run \(path): \(String(cString: strerror(errno)))\n")
        Glibc.exit(126)
    }
}

struct Plugins: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every cs-* executable beside cs and on PATH, with what its --describe says.",
        discussion: """
            Each is asked for --describe and given --timeout seconds (5 by default) to answer; one still running then is killed, with every process it started, and flagged; so is one that does not answer with its contract. Exit status 2 when any is flagged.

            EXAMPLES:
              cs plugins
              cs plugins --json | jq -r 'select(.ok | not) | .name'
            """)

    @Flag(help: "One JSON object per executable instead of a table.")
    var json = false

    @Option(help: ArgumentHelp("Seconds each executable has to answer --describe before it is killed.", valueName: "seconds"))
    var timeout: Double = Plugin.defaultTimeoutSeconds

    func validate() throws {
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be more than 0 and at most 3600 seconds") }
    }

    func run() throws {
        let plugins: [Plugin]
        do {
            plugins = try Plugin.discover(timeoutSeconds: timeout)
        } catch {
            throw ExitCode(ExitStatus.interrupted(by: error.signal))
        }
        if json {
            for p in plugins {
                let o = JSON.object()
                o.set("name", .string(p.name))
                o.set("path", .string(p.path))
                o.set("ok", .bool(p.problem == nil))
                o.set("problem", p.problem.map { .string($0) } ?? .null)
                o.set("describe", p.description ?? .null)
                print(o.text)
            }
        } else {
            let width = max(12, plugins.map(\.name.count).max() ?? 0)
            for p in plugins {
                let name = p.name + String(repeating: " ", count: width - p.name.count)
                if let problem = p.problem {
                    print("\(name)  !  \(problem)  (\(p.path))")
                } else {
                    print("\(name)  \(p.version)  \(p.summary)")
                }
            }
        }
        if plugins.contains(where: { $0.problem != nil }) { throw ExitCode(ExitStatus.partial.rawValue) }
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a pipeline file: its stages as one pipeline of processes (pipefail semantics).",
        discussion: """
            A pipeline file lists one stage per line with its arguments; `#` starts a comment; values come from the environment as $VAR, ${VAR}, ${VAR:-default} or ${VAR:?message}. NAME=value arguments after the file set such values for this run. See docs/pipelines.md.

            A value from the environment may not start an option (a word starting with '-'); a glob may expand to 10000 paths at most. The folders of the files the stages write (--to, --dead-letter, --state) are created first. --dry-run shows a required variable that is unset as "${NAME}". SIGINT and SIGTERM are passed on to the stages; cs waits for them and exits 128+N.

            EXAMPLES:
              cs run pipelines/high-severity-digest
              cs run pipelines/entra-id-watch FEEDS='examples/feeds/*'
              cs run --stats pipelines/ndjson-archive
              cs run --dry-run pipelines/splunk-hec-export
            """)

    @Argument(help: "The pipeline file (a bare name is looked up in ./pipelines/, then in the installed share/cs/pipelines/).")
    var pipeline: String

    @Argument(help: "NAME=value settings for the pipeline's variables.")
    var settings: [String] = []

    @Flag(name: .customLong("dry-run"), help: "Print the equivalent shell pipeline instead of running it.")
    var dryRun = false

    @Flag(help: "Print lines in, records out and rejected per stage on stderr.")
    var stats = false

    func validate() throws {
        for s in settings where !s.contains("=") {
            throw ValidationError("'\(s)' is not a NAME=value setting")
        }
    }

    func run() throws {
        let path = PipelineLocator.path(for: pipeline)
        guard let text = StageLocator.readText(path) else {
            writeStandardError("cs: cannot read pipeline \(path)\n")
            throw ExitCode(ExitStatus.failure.rawValue)
        }
        var overrides: [String: String] = [:]
        for s in settings {
            let eq = s.firstIndex(of: "=")!
            overrides[String(s[..<eq])] = String(s[s.index(after: eq)...])
        }
        for (k, v) in overrides { setenv(k, v, 1) }
        do {
            // A dry run shows the pipeline even when a required variable is unset, marking it ${NAME}.
            let file = try PipelineFile(path: path, text: text, unresolved: dryRun ? .mark : .fail) { name in
                getenv(name).map { String(cString: $0) }
            }
            let runner = try PipelineRunner(pipeline: file, settings: [])
            if dryRun {
                for (name, message) in file.unresolved {
                    writeStandardError("cs: \(name) is not set (shown as ${\(name)}): \(message)\n")
                }
                print(runner.shellCommand)
                return
            }
            let outcome = try runner.execute(collectStats: stats)
            let results = outcome.results
            for (i, r) in results.enumerated() where r.status != 0 {
                writeStandardError("cs: stage \(i + 1) (cs-\(r.step.stage.replacingPrefixCS)) exited with status \(r.status)\n")
            }
            if stats { writeStandardError(StatsTable.render(results)) }
            if outcome.stoppedBy != 0 { throw ExitCode(ExitStatus.interrupted(by: outcome.stoppedBy)) }
            let status = PipelineRunner.status(of: results)
            if status != 0 { throw ExitCode(status) }
        } catch let error as PipelineFile.ParseError {
            writeStandardError("cs: \(error.description)\n")
            throw ExitCode(ExitStatus.usage.rawValue)
        } catch let error as StageError {
            writeStandardError("cs: \(error.message) (\(error.code.rawValue))\n")
            throw ExitCode(ExitStatus.failure.rawValue)
        }
    }
}

extension String {
    var replacingPrefixCS: String { hasPrefix("cs-") ? String(dropFirst(3)) : self }
}
