import CSEnrich
import CSTestSupport
import Foundation
import XCTest

/// Enriches one record and returns its mappings.
func enrich(title: String = "Advisory", summary: String? = nil, text: String? = nil, html: String? = nil,
            tags: [String] = [], actors: [String] = [], cves: [String] = [], enricher: Enricher = Enricher.shared) throws -> Enrichment {
    try enricher.enrichment(ofLine: recordLine(title: title, summary: summary, text: text, html: html, tags: tags, actors: actors, cves: cves))
}

extension Enricher {
    /// Built once for the whole test run (building the phrase table takes a few milliseconds).
    nonisolated(unsafe) static let shared = Enricher()
}

extension Enrichment {
    var tacticIDs: Set<String> { Set(tactics.map(\.id)) }
    var techniqueIDs: Set<String> { Set(techniques.map(\.id)) }
    var groupIDs: Set<String> { Set(groups.map(\.id)) }
    var softwareIDs: Set<String> { Set(software.map(\.id)) }
    func via(_ id: String) -> [String] {
        (tactics + techniques + groups + software).first { $0.id == id }?.via ?? []
    }
}

/// The repository root: three levels above this file (Tests/CSEnrichTests/Support.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
