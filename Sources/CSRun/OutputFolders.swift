#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The folders that must exist before a pipeline's stages start: those holding the files the stages write,
/// named by the options that take an output file: `--to FILE` and `--to sqlite:FILE` (cs-sink),
/// `--dead-letter FILE` (every stage), `--state FILE` (cs-fetch). `cs run … OUT=newdir` then works.
public enum OutputFolders {
    static let fileOptions: Set<String> = ["--to", "--dead-letter", "--state"]

    /// The parent folders of the output files named in `steps`, in order, without duplicates.
    public static func folders(of steps: [PipelineFile.Step]) -> [String] {
        var folders: [String] = []
        for step in steps {
            var arguments = step.arguments[...]
            while let argument = arguments.popFirst() {
                if argument == "--" { break }
                var value: String? = nil
                if fileOptions.contains(argument) {
                    value = arguments.popFirst()
                } else if let eq = argument.firstIndex(of: "="), fileOptions.contains(String(argument[..<eq])) {
                    value = String(argument[argument.index(after: eq)...])
                }
                guard let value, let folder = folder(ofDestination: value), !folders.contains(folder) else { continue }
                folders.append(folder)
            }
        }
        return folders
    }

    /// The folder of a destination that is a local file, or nil (stdout, a URL, a file in the current folder).
    static func folder(ofDestination destination: String) -> String? {
        var path = destination
        if path.hasPrefix("sqlite:") { path.removeFirst("sqlite:".count) }
        guard path != "-", !path.contains("://"), let slash = path.lastIndex(of: "/") else { return nil }
        let folder = String(path[..<slash])
        return folder.isEmpty ? nil : folder
    }

    /// Creates each folder and its missing parents. A folder that cannot be created is left for the stage
    /// that writes there to report, with its own diagnostic and status.
    public static func create(_ folders: [String]) {
        for folder in folders {
            var prefix = folder.hasPrefix("/") ? "/" : ""
            for part in folder.split(separator: "/") {
                prefix += part
                if mkdir(prefix, 0o777) != 0 && errno != EEXIST { break }
                prefix += "/"
            }
        }
    }
}
