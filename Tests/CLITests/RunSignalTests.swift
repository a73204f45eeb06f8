import CSTestSupport
import Foundation
import XCTest

/// `cs run` and `cs plugins` leave no process behind: signals reach the stages, a hung plugin is killed.
final class RunSignalTests: XCTestCase {
    /// Stages blocked on a FIFO the test holds open: SIGTERM to cs must reach them, and cs waits for them.
    func testSIGTERMStopsEveryStageAndExits143() throws {
        let dir = try Shell.temporaryDirectory()
        let fifo = dir.appendingPathComponent("feed").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let pipeline = dir.appendingPathComponent("p").path
        try "normalize '\(fifo)'\nenrich\nsink --format table\n".write(toFile: pipeline, atomically: true, encoding: .utf8)

        // posix_spawn rather than Foundation's Process, whose wait also waits for every process that inherited
        // its descriptors, so stages orphaned by a bug would hang the test instead of failing it.
        let errPath = dir.appendingPathComponent("stderr").path
        let cs = try Self.spawn(Shell.binDir.appendingPathComponent("cs").path, ["run", pipeline], stderr: errPath)
        var reaped = false
        defer { if !reaped { kill(cs, SIGKILL); _ = waitpid(cs, nil, 0) } }

        // Ready when cs-normalize has opened the FIFO (a writer can open it) and all three stages are cs's children.
        let writer = try waitFor("cs-normalize to open the FIFO") { () -> Int32? in
            let fd = open(fifo, O_WRONLY | O_NONBLOCK)
            return fd >= 0 ? fd : nil
        }
        defer { close(writer) }
        let stages = try waitFor("the three stages to run") { () -> [pid_t]? in
            let children = Self.children(of: cs)
            return children.count == 3 ? children : nil
        }
        defer { for pid in stages where kill(pid, 0) == 0 { kill(pid, SIGKILL) } }   // only if the test fails

        kill(cs, SIGTERM)
        var status: Int32 = 0
        _ = try waitFor("cs to exit") { () -> Bool? in waitpid(cs, &status, WNOHANG) == cs ? true : nil }
        reaped = true
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        XCTAssertEqual(status & 0x7f, 0, "cs must not die of the signal itself (it died of signal \(status & 0x7f))")
        XCTAssertEqual((status >> 8) & 0xff, 143, stderr)
        for pid in stages {
            XCTAssertEqual(kill(pid, 0), -1, "stage \(pid) is still there")
            XCTAssertEqual(errno, ESRCH, "stage \(pid) was waited for")
        }
    }

    /// A plugin whose --describe never answers (and that started a child of its own) is reported and killed, with its child.
    func testHungPluginIsReportedAndKilledWithWhatItStarted() throws {
        let dir = try Shell.temporaryDirectory()
        let pidsFile = dir.appendingPathComponent("pids").path
        let plugin = dir.appendingPathComponent("cs-hang").path
        try """
            #!/bin/sh
            sleep 100000 &
            echo "$$ $!" > "$HANG_PIDS.tmp" && mv "$HANG_PIDS.tmp" "$HANG_PIDS"
            wait
            """.write(toFile: plugin, atomically: true, encoding: .utf8)
        chmod(plugin, 0o755)

        // The plugin must have started its child before cs gives up on it: a longer limit if the machine was too slow.
        // posix_spawn and waitpid (not Foundation's Process, see above): a leftover child must fail the test, not hang it.
        let outPath = dir.appendingPathComponent("stdout").path, errPath = dir.appendingPathComponent("stderr").path
        var timeout = 1
        var status: Int32 = 0
        repeat {
            let cs = try Self.spawn(Shell.binDir.appendingPathComponent("cs").path, ["plugins", "--timeout", String(timeout)],
                                    stdout: outPath, stderr: errPath, searchPath: dir.path + ":" + Shell.binDir.path + ":/usr/bin:/bin",
                                    environment: ["HANG_PIDS": pidsFile])
            _ = try waitFor("cs plugins to exit") { () -> Bool? in waitpid(cs, &status, WNOHANG) == cs ? true : nil }
            timeout *= 4
        } while !FileManager.default.fileExists(atPath: pidsFile) && timeout <= 64
        let stdout = try String(contentsOfFile: outPath, encoding: .utf8)
        XCTAssertEqual(status, 2 << 8, (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
        let line = try XCTUnwrap(stdout.split(separator: "\n").first(where: { $0.hasPrefix("cs-hang") }), stdout)
        XCTAssertTrue(line.contains("did not answer within \(timeout / 4) s: killed"), String(line))

        let pids = try String(contentsOfFile: pidsFile, encoding: .utf8).split(whereSeparator: \.isWhitespace).compactMap { pid_t($0) }
        XCTAssertEqual(pids.count, 2)
        defer { for pid in pids where Self.isRunning(pid) { kill(pid, SIGKILL) } }   // only if the test fails
        for pid in pids { XCTAssertFalse(Self.isRunning(pid), "process \(pid) of the hung plugin outlived cs plugins") }
    }

    // MARK: - helpers

    /// Starts `path` with the build's products first on PATH (or `path` as PATH), stdin on /dev/null, stdout and
    /// stderr into files (stdout on /dev/null when nil).
    static func spawn(_ path: String, _ arguments: [String], stdout: String? = nil, stderr: String,
                      searchPath: String? = nil, environment extra: [String: String] = [:]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = searchPath ?? Shell.binDir.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment.merge(extra) { $1 }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard rc == 0 else { throw NSError(domain: "posix_spawn", code: Int(rc)) }
        return pid
    }

    /// Polls `condition` until it gives a value; fails at the hang guard (a hang, not a timing assertion).
    private func waitFor<T>(_ what: String, _ condition: () -> T?) throws -> T {
        var value: T?
        if Readiness.wait(until: { value = condition(); return value != nil }), let value { return value }
        XCTFail("gave up waiting for \(what)")
        throw XCTSkip("precondition not reached")
    }

    /// The pids whose parent is `parent`, from /proc.
    static func children(of parent: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            // "pid (comm) state ppid …": the fields after the command name.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && pid_t(fields[1]) == parent
        }
    }

    /// Alive and not a zombie: a zombie has ended and only waits for its parent (init here) to reap it.
    static func isRunning(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
    }
}
