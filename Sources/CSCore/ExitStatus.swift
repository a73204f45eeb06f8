#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The one exit-status policy of every cs stage (docs/contract.md, "Exit status").
public enum ExitStatus: Int32 {
    /// Everything read was handled.
    case success = 0
    /// cs-filter with `--exit-status`: no record matched.
    case noMatch = 1
    /// Some input was rejected (a bad line, a feed that failed, a record not delivered) and reported;
    /// everything else went through.
    case partial = 2
    /// A fatal error stopped the stage before it finished (unreadable output, unusable configuration).
    case failure = 3
    /// Bad command line (swift-argument-parser's EX_USAGE).
    case usage = 64

    /// 128 + the signal number, as shells report it.
    public static func interrupted(by signal: Int32) -> Int32 { 128 + signal }

    /// The reader of stdout went away (`| head`): stop at once, quietly, successfully.
    public static func brokenPipe() -> Never { _exit(0) }

    /// Writing stdout failed for another reason (disk full, I/O error).
    public static func outputFailed(errno e: Int32) -> Never {
        let message = "\(ProcessInfoLite.stageName): error: cannot write output: \(systemErrorText(e)) (\(StatusCode(errno: e).rawValue))\n"
        _ = message.withCString { Glibc.write(2, $0, strlen($0)) }
        _exit(ExitStatus.failure.rawValue)
    }
}

/// The running stage's name for last-resort messages that have no `Diagnostics` at hand.
public enum ProcessInfoLite {
    nonisolated(unsafe) public static var stageName = "cs"
}
