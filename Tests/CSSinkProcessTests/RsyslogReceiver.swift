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

    static func freePort(udp: Bool) throws -> Int {
        let fd = socket(AF_INET, Int32(udp ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw XCTSkip("no socket") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw XCTSkip("cannot bind a loopback port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
