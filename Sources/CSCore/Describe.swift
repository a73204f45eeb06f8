/// What `--describe` prints: a stage's contract as one JSON object (reflection for `cs plugins`,
/// for other tools and for people). The options come from the command line's definitions
/// (CSCommandLine's `json(for:)`), so the core does not depend on the argument parser.
public struct StageDescription: Sendable {
    public var name: String
    public var summary: String
    public var inputs: [String]
    public var output: String
    public var examples: [String]

    public init(name: String, summary: String, inputs: [String], output: String, examples: [String] = []) {
        self.name = name
        self.summary = summary
        self.inputs = inputs
        self.output = output
        self.examples = examples
    }

    /// The contract with `options`: an array of option objects (name, names, kind, help, value, default, repeating).
    public func json(options: JSON) -> JSON {
        let o = JSON.object()
        o.set("name", .string(name))
        o.set("version", .string(CSVersion.string))
        o.set("contract", .string(CSVersion.contract))
        o.set("summary", .string(summary))
        o.set("input", .strings(inputs))
        o.set("output", .string(output))
        o.set("schema", .string(CSVersion.schema))
        o.set("options", options)
        o.set("examples", .strings(examples))
        let exit = JSON.object()
        exit.set("0", .string("success"))
        exit.set("1", .string("no record matched (cs-filter --exit-status)"))
        exit.set("2", .string("some input was rejected and reported; the rest went through"))
        exit.set("3", .string("a fatal error stopped the stage"))
        exit.set("64", .string("usage error"))
        exit.set("128+N", .string("stopped by signal N after flushing"))
        o.set("exit_status", exit)
        return o
    }
}
