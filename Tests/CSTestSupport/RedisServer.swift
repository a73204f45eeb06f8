import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real redis-server for one test: on 127.0.0.1 and a free port, in its own temporary directory,
/// ready once it answers PING; `stop()` (and deinit) ends it. Redis has no `--port 0`, so a port is
/// found by binding port 0 and closing it; a server that then finds it taken is started on another.
public final class RedisServer {
    public private(set) var port: Int = 0
    public let directory: URL
    public let password: String?
    /// AOF on (fsync always): what was acknowledged survives `restart()`.
    public let persistent: Bool
    private var process: Process?

    public static var isInstalled: Bool { executablePath != nil }

    static var executablePath: String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/usr/sbin").split(separator: ":") {
            let path = "\(dir)/redis-server"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    public init(password: String? = nil, persistent: Bool = false) throws {
        self.password = password
        self.persistent = persistent
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cs-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for _ in 0..<20 {
            port = try RedisServer.freePort()
            if try start() { return }
        }
        throw Failure("redis-server found no free port in 20 tries")
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts redis-server on `port`; false when the port was taken meanwhile.
    private func start() throws -> Bool {
        guard let path = RedisServer.executablePath else { throw Failure("redis-server is not installed (make deps)") }
        let log = directory.appendingPathComponent("redis.log")
        try? FileManager.default.removeItem(at: log)
        var args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", directory.path, "--logfile", log.path,
                    "--save", "", "--daemonize", "no", "--protected-mode", "no"]
        args += persistent ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"]
        if let password { args += ["--requirepass", password] }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        // Ready when it answers PING (NOAUTH counts: it is listening); gone when it could not bind.
        while true {
            if !p.isRunning {
                process = nil
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                if text.contains("Address already in use") { return false }
                throw Failure("redis-server exited with status \(p.terminationStatus): \(text.suffix(500))")
            }
            if RedisServer.answersPing(port: port) { return true }
            usleep(10_000)   // between readiness probes, not as synchronisation
        }
    }

    /// Stops the server (SIGTERM: Redis saves what AOF holds and exits) and waits for it.
    public func stop() {
        guard let p = process else { return }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        process = nil
    }

    /// Stops and starts the server on the same port (its data back from the AOF when `persistent`).
    public func restart() throws {
        stop()
        guard try start() else { throw Failure("port \(port) was taken while redis-server restarted") }
    }

    /// `redis://127.0.0.1:PORT/KEY`.
    public func url(_ key: String, user: String? = nil) -> String {
        "redis://\(user.map { "\($0)@" } ?? "")127.0.0.1:\(port)/\(key)"
    }

    public static func freePort() throws -> Int { try LoopbackPort.free() }

    /// Whether something on 127.0.0.1:port answers a RESP PING (with PONG, or NOAUTH when a password is set).
    static func answersPing(port: Int) -> Bool {
        guard let fd = LoopbackPort.connect(port) else { return false }
        defer { close(fd) }
        let ping = Array("PING\r\n".utf8)
        guard write(fd, ping, ping.count) == ping.count else { return false }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0 else { return false }
        let answer = String(decoding: buffer[0..<n], as: UTF8.self)
        return answer.hasPrefix("+PONG") || answer.hasPrefix("-NOAUTH")
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ d: String) { description = d }
    }
}
