import Foundation

/// The repository these tests were built from, and the places in it that tests read.
public enum Repository {
    /// Three levels above this file (Tests/CSTestSupport/Repository.swift).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// The bundled example feeds.
    public static let examples = root.appendingPathComponent("examples/feeds")
    /// `../shared` beside the repository: read-only reference data (ATT&CK, seeds, conformance corpora).
    /// Reach it through `requireShared`, which skips or fails when it is missing.
    public static let shared = root.deletingLastPathComponent().appendingPathComponent("shared")
}
