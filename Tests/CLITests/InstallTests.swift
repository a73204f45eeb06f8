import Foundation
import XCTest

/// `make install`: man pages clean for mandoc, pipelines, examples and docs shipped, `cs run NAME` finding
/// the installed pipelines, `make uninstall` removing it all.
final class InstallTests: XCTestCase {
    private func requireTool(_ name: String) throws {
        if try Shell.run("command -v \(name)").status != 0 { throw XCTSkip("\(name) is not installed (make deps installs it)") }
    }

    /// The man pages as make install writes them (Sources/man-pages/man-pages.sh), from the debug build's generate-manual.
    func testManPagesHaveNoMandocWarnings() throws {
        let tool = Shell.binDir.appendingPathComponent("generate-manual").path
        guard FileManager.default.isExecutableFile(atPath: tool) else {
            throw XCTSkip("generate-manual is not built (make test builds it: swift build --product generate-manual)")
        }
        try requireTool("mandoc")
        let dir = try Shell.temporaryDirectory()
        let r = try Shell.run("Sources/man-pages/man-pages.sh '\(Shell.binDir.path)' '\(tool)' '\(dir.path)'")
        XCTAssertEqual(r.status, 0, r.stderr)
        for command in ["cs", "cs-fetch", "cs-normalize", "cs-enrich", "cs-filter", "cs-sink"] {
            let page = dir.appendingPathComponent("\(command).1").path
            let lint = try Shell.run("mandoc -T lint -W warning '\(page)' 2>&1")
            XCTAssertEqual(lint.stdout, "", "\(command).1")
            let synopsis = try Shell.run("mandoc -T ascii '\(page)' | col -b | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p'").stdout
            XCTAssertEqual(synopsis.contains(" subcommand "), command == "cs", "\(command).1: \(synopsis)")
        }
    }

    /// Runs the real `make install` into a temporary DESTDIR, from the build under test (CS_BIN_DIR: what is
    /// installed is copied, so a debug build tells as much as a release one) and generate-manual. Nothing is
    /// built here: a `swift build` inside `swift test` would wait for the lock `swift test` holds on .build.
    func testMakeInstallShipsPipelinesExamplesAndDocs() throws {
        let built = Shell.binDir
        let tool = built.appendingPathComponent("generate-manual").path
        guard FileManager.default.isExecutableFile(atPath: tool) else { throw XCTSkip("generate-manual is not built") }
        let dest = try Shell.temporaryDirectory()
        let install = try Shell.run("make -o build -o manual-tool install BIN='\(built.path)' GENERATE_MANUAL='\(tool)' DESTDIR='\(dest.path)' PREFIX=/usr")
        XCTAssertEqual(install.status, 0, install.stderr)
        let root = dest.appendingPathComponent("usr")
        for file in ["bin/cs", "bin/cs-sink", "share/man/man1/cs-filter.1", "share/cs/pipelines/high-severity-digest",
                     "share/cs/examples/feeds/advisories.feed.json", "share/cs/examples/feeds.txt",
                     "share/cs/examples/psirt/psirt.rss.xml", "share/cs/examples/plugins/cs-tlp",
                     "share/doc/cs/README.md", "share/doc/cs/pipelines.md", "share/doc/cs/schema/cs.advisory-1.schema.json",
                     "share/cs/technique-model.bin", "share/cs/technique-model.README.md"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent(file).path), file)
        }
        // Outside the checkout, a bare pipeline name is found in the installed share/cs/pipelines.
        let elsewhere = try Shell.temporaryDirectory()
        let dry = try Shell.run("cd '\(elsewhere.path)' && '\(root.path)/bin/cs' run --dry-run high-severity-digest FEEDS=a.xml")
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertTrue(dry.stdout.hasPrefix("set -o pipefail; cs-fetch a.xml"), dry.stdout)

        // The installed cs-enrich verifies and uses the installed technique model.
        let record = #"{"schema":"cs.advisory/1","id":"m","title":"Dump","content_text":"Attackers dumped LSASS memory with ProcDump to harvest credentials."}"#
        let enrich = try Shell.run("cd '\(elsewhere.path)' && echo '\(record)' | '\(root.path)/bin/cs-enrich' -q --data-dir '\(elsewhere.path)'")
        XCTAssertEqual(enrich.status, 0, enrich.stderr)
        XCTAssertTrue(enrich.stdout.contains("\"model:"), enrich.stdout)

        let uninstall = try Shell.run("make uninstall DESTDIR='\(dest.path)' PREFIX=/usr")
        XCTAssertEqual(uninstall.status, 0, uninstall.stderr)
        let left = try Shell.run("find '\(root.path)' -type f").stdout
        XCTAssertEqual(left, "", "make uninstall left files behind")
    }
}
