/// What every stage is configured with, as plain values: the command line's shared options
/// (CSCommandLine's `StageOptions`) turn into these, and so can a test or another caller.
public struct StageSettings: Sendable {
    public var logFormat: LogFormat
    /// Append every rejection to this file (`--dead-letter`).
    public var deadLetter: String?
    /// Flush after every record (`--line-buffered`).
    public var lineBuffered: Bool
    /// Show only errors on stderr (`-q`).
    public var quiet: Bool
    /// Longest input line accepted, in bytes (`--max-line`).
    public var maxLineBytes: Int

    public init(logFormat: LogFormat = .text, deadLetter: String? = nil, lineBuffered: Bool = false, quiet: Bool = false,
                maxLineBytes: Int = LineReader.defaultMaxLineBytes) {
        self.logFormat = logFormat
        self.deadLetter = deadLetter
        self.lineBuffered = lineBuffered
        self.quiet = quiet
        self.maxLineBytes = maxLineBytes
    }
}
