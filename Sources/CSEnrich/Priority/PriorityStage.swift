#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

extension EnrichStage {
    /// Loads the KEV catalog and EPSS scores (`--kev`, `--epss`, the data directory) and reports what it found
    /// wrong: a file that cannot be used is an error, the stage goes on without it.
    public static func loadPriorityData(kev: String?, epss: String?, dataDir: String?, stage: Stage) -> PriorityData {
        var environment: [String: String] = [:]
        for key in ["XDG_DATA_HOME", "HOME"] { if let v = getenv(key) { environment[key] = String(cString: v) } }
        let data = PriorityData.load(kevPath: kev, epssPath: epss, dataDir: dataDir, environment: environment, now: Int(time(nil)))
        for (level, code, message) in data.messages {
            stage.diagnostics.emit(level, code, message)
        }
        return data
    }

    /// Reports why some of a record's priority evidence was not used, with the record's position.
    static func reportProblems(_ problems: [String], at position: Position, id: String?, stage: Stage) {
        for p in problems { stage.diagnostics.warning(.invalidArgument, p, at: position, id: id) }
    }
}
