import CSTestSupport
import Foundation
import XCTest

/// Debian's rsyslogd started for one test: imudp and imtcp on 127.0.0.1 (free ports), writing every
/// message it parsed to a file as `inputname|msgid|severity|structured-data|msg`. Stopped (SIGTERM)
/// by `stop()` or when the test ends.
final class RsyslogReceiver {
    let directory: URL
    let output: URL
    let udpPort: Int
    let tcpPort: Int
    private let process = Process()

    /// `reusing`: listen on another receiver's ports and append to its file (a restart).
    init(reusing previous: RsyslogReceiver? = nil) throws {
        guard let rsyslogd = ["/usr/sbin/rsyslogd", "/sbin/rsyslogd"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("rsyslogd is not installed (apt-get install -y rsyslog): skipping the syslog delivery tests")
        }
        directory = previous?.directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("cs-rsyslog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        output = directory.appendingPathComponent("received.log")
        udpPort = try previous?.udpPort ?? RsyslogReceiver.freePort(udp: true)
        tcpPort = try previous?.tcpPort ?? RsyslogReceiver.freePort(udp: false)
        let config = """
            global(workDirectory="\(directory.path)" maxMessageSize="64k")
            module(load="imudp")
            module(load="imtcp")
            input(type="imudp" address="127.0.0.1" port="\(udpPort)")
            input(type="imtcp" address="127.0.0.1" port="\(tcpPort)")
            template(name="fields" type="string" string="%inputname%|%msgid%|%syslogseverity-text%|%structured-data%|%msg%\\n")
            *.* action(type="omfile" file="\(output.path)" template="fields")
            """
        let configURL = directory.appendingPathComponent("rsyslog.conf")
        try Data(config.utf8).write(to: configURL)
        process.executableURL = URL(fileURLWithPath: rsyslogd)
        process.arguments = ["-n", "-f", configURL.path, "-i", directory.appendingPathComponent("rsyslogd.pid").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ready once the TCP listener accepts (both inputs start together).
        guard Readiness.wait(alive: { process.isRunning }, until: { RsyslogReceiver.accepts(port: tcpPort) }) else {
            stop()
            throw XCTSkip("rsyslogd did not start listening on 127.0.0.1:\(tcpPort)")
        }
    }

    deinit { stop() }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    func removeFiles() { try? FileManager.default.removeItem(at: directory) }

    /// The lines rsyslog wrote, once there are at least `count` (or what there is if rsyslogd is gone).
    func lines(atLeast count: Int) -> [String] {
        var lines: [String] = []
        Readiness.wait(alive: { process.isRunning }) {
            lines = ((try? String(contentsOf: output, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            return lines.count >= count
        }
        return lines
    }

    static func freePort(udp: Bool) throws -> Int { try LoopbackPort.free(udp: udp) }

    static func accepts(port: Int) -> Bool {
        guard let fd = LoopbackPort.connect(port) else { return false }
        close(fd)
        return true
    }
}
