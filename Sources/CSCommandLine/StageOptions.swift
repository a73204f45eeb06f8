import ArgumentParser
import CSCore

/// The options every stage shares (`@OptionGroup var common: StageOptions`).
/// `--version` comes from each command's `CommandConfiguration(version:)`.
public struct StageOptions: ParsableArguments {
    @Flag(help: "Print this stage's contract (inputs, output, schema, options) as one JSON object and exit.")
    public var describe = false

    @Option(name: .customLong("log-format"), help: "Diagnostics on stderr as readable 'text' or NDJSON 'json'.")
    public var logFormat: LogFormat = .text

    @Option(name: .customLong("dead-letter"), help: ArgumentHelp("Append every rejection to this file: a bad input line verbatim, else an entry saying what and why.", valueName: "file"))
    public var deadLetter: String?

    @Flag(name: .customLong("line-buffered"), help: "Flush after every record (the default on a terminal).")
    public var lineBuffered = false

    @Flag(name: [.short, .long], help: "Show only errors on stderr.")
    public var quiet = false

    @Option(name: .customLong("max-line"), help: ArgumentHelp("Longest input line accepted, in bytes; longer lines are rejected.", valueName: "bytes"))
    public var maxLineBytes: Int = LineReader.defaultMaxLineBytes

    public init() {}

    /// The plain values the core takes.
    public var settings: StageSettings {
        StageSettings(logFormat: logFormat, deadLetter: deadLetter, lineBuffered: lineBuffered, quiet: quiet,
                      maxLineBytes: maxLineBytes)
    }
}

/// `--log-format text|json`.
extension LogFormat: ExpressibleByArgument {}

extension Stage {
    /// The running stage, configured by the shared options of its command line.
    public convenience init(name: String, options: StageOptions, output: OutputWriter? = nil) {
        self.init(name: name, settings: options.settings, output: output)
    }
}
