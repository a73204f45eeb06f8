import ArgumentParser

/// What `--describe` prints: a stage's contract as one JSON object (reflection for `cs plugins`,
/// for other tools and for people). Options are taken from the command's own argument definitions.
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

    public func json<C: ParsableCommand>(for command: C.Type) -> JSON {
        let o = JSON.object()
        o.set("name", .string(name))
        o.set("version", .string(CSVersion.string))
        o.set("contract", .string(CSVersion.contract))
        o.set("summary", .string(summary))
        o.set("input", .strings(inputs))
        o.set("output", .string(output))
        o.set("schema", .string(CSVersion.schema))
        o.set("options", StageDescription.options(of: command))
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

    /// Options from swift-argument-parser's own description of the command.
    static func options<C: ParsableCommand>(of command: C.Type) -> JSON {
        let out = JSON.array()
        guard let info = try? JSON.parse(C._dumpHelp()), let args = info["command"]?["arguments"] else { return out }
        for arg in args.elements {
            let names = arg["names"]?.elements.compactMap { n -> String? in
                guard let name = n["name"]?.stringValue, let kind = n["kind"]?.stringValue else { return nil }
                return kind == "short" ? "-" + name : "--" + name
            } ?? []
            let kind = arg["kind"]?.stringValue ?? "option"
            if names.contains("--help") || names.contains("--experimental-dump-help") { continue }
            let o = JSON.object()
            o.set("name", .string(names.first(where: { $0.hasPrefix("--") }) ?? names.first ?? (arg["valueName"]?.stringValue ?? "")))
            o.set("names", .strings(names))
            o.set("kind", .string(kind))
            if let help = arg["abstract"]?.stringValue { o.set("help", .string(help)) }
            if let value = arg["valueName"]?.stringValue, kind != "flag" { o.set("value", .string(value)) }
            if let d = arg["defaultValue"]?.stringValue { o.set("default", .string(d)) }
            o.set("repeating", .bool(arg["isRepeating"]?.boolValue ?? false))
            out.append(o)
        }
        return out
    }
}
