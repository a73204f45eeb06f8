import ArgumentParser
import CSCore

/// `--describe` for a command: the stage's contract with the options taken from the command's own
/// argument definitions.
extension StageDescription {
    public func json<C: ParsableCommand>(for command: C.Type) -> JSON {
        json(options: StageDescription.options(of: command))
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
