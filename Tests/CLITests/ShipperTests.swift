import CSTestSupport
import Foundation
import XCTest

/// examples/shippers/rsyslog-imfile.conf, run by Debian's rsyslog against a rotating cs-sink file:
/// every record must arrive once and whole.
final class ShipperTests: XCTestCase {
    func testRsyslogTailsARotatingSinkFileWithoutLossOrDuplicates() throws {
        let rsyslogd = ["/usr/sbin/rsyslogd", "/sbin/rsyslogd"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let rsyslogd else { throw XCTSkip("rsyslogd is not installed (make deps installs it)") }
        let dir = try Shell.temporaryDirectory()
        let archive = dir.appendingPathComponent("advisories.ndjson").path
        let forwarded = dir.appendingPathComponent("forwarded.ndjson").path
        let work = dir.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)

        // The shipped configuration, pointed at this test's files.
        var conf = try String(contentsOf: Shell.repoRoot.appendingPathComponent("examples/shippers/rsyslog-imfile.conf"), encoding: .utf8)
        conf = conf.replacingOccurrences(of: "/var/lib/cs/advisories.ndjson", with: archive)
            .replacingOccurrences(of: "/var/log/cs/advisories-forwarded.ndjson", with: forwarded)
        conf = "global(workDirectory=\"\(work.path)\")\n" + conf
        let confPath = dir.appendingPathComponent("rsyslog.conf").path
        try conf.write(toFile: confPath, atomically: true, encoding: .utf8)

        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: rsyslogd)
        daemon.arguments = ["-n", "-f", confPath, "-i", dir.appendingPathComponent("rsyslogd.pid").path]
        daemon.standardOutput = FileHandle.nullDevice
        daemon.standardError = FileHandle.nullDevice
        try daemon.run()
        defer { if daemon.isRunning { daemon.terminate() }; daemon.waitUntilExit() }

        // Ten copies of the example records (unique uids), appended by separate cs-sink runs that rotate at 32 KB.
        let records = dir.appendingPathComponent("records.ndjson").path
        try Shell.run("""
            cs-normalize examples/feeds/* > '\(dir.path)/one.ndjson'
            for i in $(seq 1 10); do sed "s/\\"uid\\":\\"\\([0-9a-f]*\\)\\"/\\"uid\\":\\"\\1-$i\\"/" '\(dir.path)/one.ndjson'; done > '\(records)'
            """)
        let expected = try String(contentsOfFile: records, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(expected.count, 10 * 14)
        // After each batch, wait until rsyslog has forwarded everything written so far: every file has been
        // read before the next run can rotate it aside (a file renamed before imfile ever opened it cannot be
        // tailed, whatever the writer does), and no pause stands in for imfile setting up its watch.
        func forwardedLines() -> [String] {
            ((try? String(contentsOfFile: forwarded, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        for batch in stride(from: 0, to: expected.count, by: 7) {
            let end = min(batch + 7, expected.count)
            let chunk = expected[batch..<end].joined(separator: "\n") + "\n"
            let r = try Shell.run("cs-sink --to '\(archive)' --rotate 32K --keep 50", stdin: chunk)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(Readiness.wait(alive: { daemon.isRunning }) { forwardedLines().count >= end },
                          "rsyslog forwarded \(forwardedLines().count) of the \(end) records written so far")
        }
        let rotated = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("advisories.ndjson.") }
        XCTAssertGreaterThan(rotated.count, 3, "the sink rotated several times")

        // rsyslog stopped (its queues written out): what it forwarded in this run is all in the file.
        daemon.terminate()
        daemon.waitUntilExit()
        let received = forwardedLines()
        XCTAssertEqual(received.count, expected.count, "every record arrives exactly once")
        let missing = Set(expected).subtracting(received), unexpected = Set(received).subtracting(expected)
        XCTAssertTrue(missing.isEmpty, "\(missing.count) records never arrived, e.g. \(missing.first?.prefix(120) ?? "")")
        XCTAssertTrue(unexpected.isEmpty, "\(unexpected.count) lines arrived changed or torn, e.g. \(unexpected.first?.prefix(120) ?? "")")
    }
}
