import CSTestSupport
import Foundation
import XCTest

/// cs-enrich's model options as a user runs them: --model, --no-model, --min-confidence, the installed
/// location, and damaged files (a fatal error naming the file, no output).
final class ModelCommandTests: XCTestCase {
    let line = recordLine(title: "Credential theft", text: "Attackers dumped LSASS memory with ProcDump to harvest credentials.") + "\n"

    private func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cs-enrich-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    private func modelTechniques(_ stdout: String) throws -> [[String: Any]] {
        let o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        let techniques = try XCTUnwrap((o["attack"] as? [String: Any])?["techniques"] as? [[String: Any]])
        return techniques.filter { ($0["via"] as? [String] ?? []).contains { $0.hasPrefix("model:") } }
    }

    func testDefaultModelFindsTechniquesWithEvidence() throws {
        let r = try runTool("cs-enrich", [], stdin: line)
        XCTAssertEqual(r.status, 0, r.stderr)
        let found = try modelTechniques(r.stdout)
        let t = try XCTUnwrap(found.first { $0["id"] as? String == "T1003" }, r.stdout)
        let evidence = try XCTUnwrap(t["evidence"] as? [[String: Any]])
        XCTAssertEqual(evidence.first?["field"] as? String, "content_text")
    }

    func testNoModelLoadsNone() throws {
        let r = try runTool("cs-enrich", ["--no-model", "--model", "/nonexistent"], stdin: line)
        XCTAssertEqual(r.status, 64, "the two exclude each other: \(r.stderr)")
        let plain = try runTool("cs-enrich", ["--no-model"], stdin: line)
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertEqual(try modelTechniques(plain.stdout).count, 0)
        XCTAssertFalse(plain.stdout.contains("\"evidence\""))
        XCTAssertTrue(plain.stdout.contains("\"T1003.001\""), "phrases still map")
    }

    func testMissingModelIsFatalAndNamesTheFile() throws {
        let r = try runTool("cs-enrich", ["--model", "/nonexistent-dir/model.bin"], stdin: line)
        XCTAssertEqual(r.status, 3)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.contains("/nonexistent-dir/model.bin"), r.stderr)
    }

    func testDamagedModelIsFatalNamesTheFileAndEmitsNothing() throws {
        let dir = try temporaryDirectory()
        var bytes = [UInt8](try Data(contentsOf: Repository.root.appendingPathComponent("Sources/attack-model/technique-model.bin")))
        bytes[bytes.count / 2] ^= 0x40
        let path = dir.appendingPathComponent("flipped.bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let r = try runTool("cs-enrich", ["--model", path], stdin: line)
        XCTAssertEqual(r.status, 3)
        XCTAssertEqual(r.stdout, "", "no record leaves with techniques from an unverified model")
        XCTAssertTrue(r.stderr.contains(path) && r.stderr.contains("checksum"), r.stderr)
    }

    func testInstalledLocationComesFirst() throws {
        // <bindir>/cs-enrich finds <bindir>/../share/cs/technique-model.bin: a damaged one there is reported.
        let dir = try temporaryDirectory()
        let bin = dir.appendingPathComponent("bin"), share = dir.appendingPathComponent("share/cs")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: share, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: productsDirectory().appendingPathComponent("cs-enrich"), to: bin.appendingPathComponent("cs-enrich"))
        try Data("CSTMODEL short".utf8).write(to: share.appendingPathComponent("technique-model.bin"))
        let p = Process()
        p.executableURL = bin.appendingPathComponent("cs-enrich")
        p.arguments = ["--data-dir", dir.path]
        let input = Pipe(), err = Pipe()
        p.standardInput = input
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        input.fileHandleForWriting.write(Data(line.utf8))
        try input.fileHandleForWriting.close()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 3, stderr)
        XCTAssertTrue(stderr.contains("share/cs/technique-model.bin"), stderr)
    }

    func testMinConfidenceIsChecked() throws {
        for bad in ["0", "1.5", "-0.2", "x"] {
            let r = try runTool("cs-enrich", ["--min-confidence", bad], stdin: line)
            XCTAssertEqual(r.status, 64, "\(bad): \(r.stderr)")
        }
        let strict = try runTool("cs-enrich", ["--min-confidence", "0.999"], stdin: line)
        XCTAssertEqual(strict.status, 0, strict.stderr)
        XCTAssertEqual(try modelTechniques(strict.stdout).count, 0)
        let loose = try runTool("cs-enrich", ["--min-confidence", "0.5"], stdin: line)
        XCTAssertGreaterThan(try modelTechniques(loose.stdout).count, 0)
    }

    func testFilterSeesModelMappings() throws {
        let record = recordLine(title: "Recon", text: "It collects the hostname and OS version and sends them to the attacker.") + "\n"
        let enriched = try runTool("cs-enrich", [], stdin: record)
        XCTAssertEqual(enriched.status, 0, enriched.stderr)
        for (args, kept) in [(["--technique", "T1082"], 1), (["--tactic", "discovery"], 1), (["--technique", "T1003"], 0)] {
            let r = try runTool("cs-filter", args, stdin: enriched.stdout)
            XCTAssertEqual(r.stdout.split(separator: "\n").count, kept, "\(args): \(r.stderr)")
        }
    }

    func testHelpShowsTheModelOptions() throws {
        let r = try runTool("cs-enrich", ["--help"])
        for text in ["--model", "--no-model", "--min-confidence", "cs-enrich --min-confidence 0.9"] {
            XCTAssertTrue(r.stdout.contains(text), "\(text) in --help")
        }
    }
}
