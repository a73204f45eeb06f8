import Foundation
#if canImport(XCTest)
import XCTest
#endif

/// `../shared` is optional on a developer's machine (a suite that needs it skips, saying what is missing)
/// and required in CI: with CI=true a missing file fails the suite, so that CI never passes by skipping.
public enum SharedData {
    public enum Lookup: Equatable {
        case found(URL)
        case skip(String)
        case fail(String)
    }

    /// Thrown (failing the test) when CI=true and `../shared` lacks what a suite needs.
    public struct MissingInCI: Error, CustomStringConvertible {
        public let description: String
    }

    /// Whether CI=true (also 1 or yes, in any case) is set.
    public static func isCI(_ environment: [String: String]) -> Bool {
        ["true", "1", "yes"].contains((environment["CI"] ?? "").lowercased())
    }

    /// Where `path` (relative to `../shared`) is, or why the suite skips or fails without it.
    public static func lookup(_ path: String, in shared: URL = Repository.shared,
                              environment: [String: String] = ProcessInfo.processInfo.environment) -> Lookup {
        let url = shared.appendingPathComponent(path)
        if FileManager.default.fileExists(atPath: url.path) { return .found(url) }
        let message = "../shared/\(path) is not present (\(url.path)): this suite needs it"
        return isCI(environment) ? .fail(message + "; CI=true, so it fails instead of skipping") : .skip(message)
    }
}

#if canImport(XCTest)
/// The path of `path` in `../shared`: skips the calling test when it is missing, fails it when CI=true.
///
///     let attack = try requireShared("attack/enterprise-attack-18.1.json")
public func requireShared(_ path: String) throws -> URL {
    switch SharedData.lookup(path) {
    case .found(let url): return url
    case .skip(let message): throw XCTSkip(message)
    case .fail(let message): throw SharedData.MissingInCI(description: message)
    }
}
#endif
