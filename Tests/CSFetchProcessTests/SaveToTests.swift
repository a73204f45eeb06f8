import Foundation
import XCTest

/// `cs-fetch --save-to DIR --state DB` (`make data`): whole files kept under their published names, fetched
/// again only when changed (ETag / 304), and found there by cs-enrich.
final class SaveToTests: FetchTestCase {
    func testSavesConditionallyAndCSEnrichFindsTheFiles() throws {
        let dir = try temporaryDirectory()
        let kev = #"{"title":"CISA Catalog of Known Exploited Vulnerabilities","catalogVersion":"2026.12.03","dateReleased":"2099-01-01T00:00:00Z","count":1,"vulnerabilities":[{"cveID":"CVE-2024-3400","vendorProject":"Palo Alto Networks","product":"PAN-OS","vulnerabilityName":"PAN-OS Command Injection","dateAdded":"2024-04-12","shortDescription":"x","requiredAction":"Apply mitigations.","dueDate":"2024-04-19","knownRansomwareCampaignUse":"Unknown","notes":"","cwes":["CWE-77"]}]}"#
        let name = "\(key)-known_exploited_vulnerabilities.json"
        try Data(kev.utf8).write(to: server.root.appendingPathComponent(name))
        let url = server.url("/files/" + name)
        let state = dir.appendingPathComponent("fetch-state.db").path
        let args = ["--save-to", dir.path, "--state", state, "--stats", "--log-format", "json", "--no-progress", url]

        let first = try CSFetchRun.run(args)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout, "", "--save-to writes files, not records")
        let saved = dir.appendingPathComponent(name)
        XCTAssertEqual(try String(contentsOf: saved, encoding: .utf8), kev)
        XCTAssertEqual(stats(first)[url]?["status"] as? Int, 200)

        let second = try CSFetchRun.run(args)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(stats(second)[url]?["status"] as? Int, 304, "the stored ETag brings a 304")
        XCTAssertEqual(try String(contentsOf: saved, encoding: .utf8), kev, "a 304 keeps the file")

        // A saved file that was removed is fetched whole again, not revalidated into nothing.
        try FileManager.default.removeItem(at: saved)
        let third = try CSFetchRun.run(args)
        XCTAssertEqual(stats(third)[url]?["status"] as? Int, 200)
        XCTAssertEqual(try String(contentsOf: saved, encoding: .utf8), kev)

        // cs-enrich reads the catalog under its published name from the data directory.
        try FileManager.default.moveItem(at: saved, to: dir.appendingPathComponent("known_exploited_vulnerabilities.json"))
        let enrich = Process()
        enrich.executableURL = try CSFetchRun.binary().deletingLastPathComponent().appendingPathComponent("cs-enrich")
        enrich.arguments = ["--data-dir", dir.path]
        let input = Pipe(), output = Pipe()
        enrich.standardInput = input
        enrich.standardOutput = output
        enrich.standardError = FileHandle.nullDevice
        try enrich.run()
        input.fileHandleForWriting.write(Data(#"{"schema":"cs.advisory/1","id":"a","title":"Guidance for CVE-2024-3400","severity":null,"severities":[],"exploited":null}"#.utf8 + [0x0A]))
        try input.fileHandleForWriting.close()
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        enrich.waitUntilExit()
        XCTAssertTrue(out.contains(#""severity":"high""#), out)
        XCTAssertTrue(out.contains(#""kev":[{"cve":"CVE-2024-3400""#), out)
    }

    func testSaveToNeedsADirectoryAndAFileName() throws {
        let dir = try temporaryDirectory()
        XCTAssertEqual(try CSFetchRun.run(["--save-to", dir.appendingPathComponent("missing").path, server.url("/files/x.json")]).status, 64)
        XCTAssertEqual(try CSFetchRun.run(["--save-to", dir.path, server.url("/")]).status, 64)
        XCTAssertEqual(try CSFetchRun.run(["--save-to", dir.path, "--raw", server.url("/files/x.json")]).status, 64)
    }
}
