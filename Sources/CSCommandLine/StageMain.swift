#if canImport(Glibc)
@preconcurrency import Glibc  // `stdout`, a C global
#elseif canImport(Musl)
@preconcurrency import Musl
#endif
import ArgumentParser
import CSCore

/// The `main` of every cs executable (`static func main() { StageMain.run(Self.self) }`): parses the
/// command line and runs the command like swift-argument-parser's own `main`, except that
/// - what goes to stdout (`--help`, `--version`, `--describe`, anything printed) is flushed and checked
///   before exiting: a write that fails (`> /dev/full`) is reported and the exit status is 3;
/// - `--version` says which ATT&CK release and which C libraries the executable runs with;
/// - usage errors name the program (`cs-filter: error: …`), then the usage hint; exit status 64.
public enum StageMain {
    public static func run<C: ParsableCommand>(_ command: C.Type, attackVersion: String? = nil) -> Never {
        let name = C.configuration.commandName ?? "cs"
        ProcessInfoLite.stageName = name
        do {
            var command = try C.parseAsRoot()
            try command.run()
        } catch {
            let status = C.exitCode(for: error)
            var text = C.fullMessage(for: error)
            if status == .success {
                if text == C.configuration.version { text = VersionText.line(name: name, attackVersion: attackVersion) }
                print(text)
                flushStandardOutput()
                exit(0)
            }
            if !text.isEmpty {
                if text.hasPrefix("Error: ") { text = "\(name): error: " + text.dropFirst("Error: ".count) }
                writeStandardError(text.hasSuffix("\n") ? text : text + "\n")
            }
            flushStandardOutput()
            exit(status.rawValue)
        }
        flushStandardOutput()
        exit(0)
    }

    /// Flushes C stdio's stdout (where `print` writes); a failed write ends the stage with status 3,
    /// a reader that went away ends it quietly (as `OutputWriter` does for records).
    public static func flushStandardOutput() {
        let flushFailed = fflush(stdout) != 0
        let e = errno
        guard flushFailed || ferror(stdout) != 0 else { return }
        let failure = flushFailed ? e : EIO
        if failure == EPIPE { ExitStatus.brokenPipe() }
        ExitStatus.outputFailed(errno: failure)
    }
}
