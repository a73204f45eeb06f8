import CSCore

/// A `cs-*` executable found beside cs or on PATH, and what its `--describe` says.
public struct Plugin {
    public var name: String
    public var path: String
    public var description: JSON?
    /// Why it does not honour the stage contract, or nil when it does.
    public var problem: String?

    public var summary: String { description?["summary"]?.stringValue ?? "" }
    public var version: String { description?["version"]?.stringValue ?? "" }

    /// `cs plugins` waits this long for each `--describe` unless told otherwise.
    public static let defaultTimeoutSeconds: Double = 5

    /// Runs `--describe` (bounded by a timeout: a plugin still running then is killed, with anything it
    /// started) and checks the answer against the contract.
    public static func inspect(name: String, path: String,
                               timeoutSeconds: Double = defaultTimeoutSeconds) throws(ChildProcess.Interrupted) -> Plugin {
        var plugin = Plugin(name: name, path: path, description: nil, problem: nil)
        guard let (output, status) = try ChildProcess.capture(path, ["--describe"], timeoutSeconds: timeoutSeconds) else {
            plugin.problem = "--describe did not answer within \(seconds(timeoutSeconds)) s: killed"
            return plugin
        }
        guard status == 0 else { plugin.problem = "--describe exited with status \(status)"; return plugin }
        var lines = output.split(separator: 0x0A, omittingEmptySubsequences: true)
        guard lines.count == 1, let line = lines.popLast(),
              let d = try? JSON.parse(String(decoding: line, as: UTF8.self)), d.kind == .object else {
            plugin.problem = "--describe did not print one JSON object on one line"
            return plugin
        }
        plugin.description = d
        var missing: [String] = []
        for key in ["name", "version", "input", "output", "schema"] where d[key] == nil { missing.append(key) }
        if !missing.isEmpty {
            plugin.problem = "--describe lacks " + missing.joined(separator: ", ")
        } else if d["name"]?.stringValue != name {
            plugin.problem = "--describe names itself \(d["name"]?.stringValue ?? "?"), not \(name)"
        }
        return plugin
    }

    public static func discover(timeoutSeconds: Double = defaultTimeoutSeconds) throws(ChildProcess.Interrupted) -> [Plugin] {
        var plugins: [Plugin] = []
        for stage in StageLocator.allStages() {
            plugins.append(try inspect(name: stage.name, path: stage.path, timeoutSeconds: timeoutSeconds))
        }
        return plugins
    }

    /// 5 for 5.0, 0.5 for 0.5.
    static func seconds(_ value: Double) -> String {
        value == value.rounded() && value < 1e9 ? String(Int(value)) : String(value)
    }
}
