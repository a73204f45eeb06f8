#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// Child processes through posix_spawn: the umbrella runs stages and plugins as real processes.
public enum ChildProcess {
    public struct SpawnError: Error, CustomStringConvertible {
        public let path: String
        public let errno: Int32
        public var description: String { "cannot run \(path): \(String(cString: strerror(errno)))" }
    }

    /// Starts `path` with `arguments` (argv[0] is added), its standard streams on the given descriptors.
    /// `extraEnvironment` entries ("NAME=value") are added to this process's environment.
    public static func spawn(_ path: String, _ arguments: [String], stdin: Int32 = 0, stdout: Int32 = 1, stderr: Int32 = 2,
                             closing: [Int32] = [], extraEnvironment: [String] = []) throws(SpawnError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if stdin != 0 { posix_spawn_file_actions_adddup2(&actions, stdin, 0) }
        if stdout != 1 { posix_spawn_file_actions_adddup2(&actions, stdout, 1) }
        if stderr != 2 { posix_spawn_file_actions_adddup2(&actions, stderr, 2) }
        for fd in closing where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }

        // argv and envp as C strings, freed when the spawn returns.
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        var env: [UnsafeMutablePointer<CChar>?] = []
        var p = environ
        while let entry = p.pointee { env.append(strdup(entry)); p += 1 }
        env += extraEnvironment.map { strdup($0) }
        env.append(nil)
        defer {
            for a in argv { free(a) }
            for e in env { free(e) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, argv, env)
        if rc != 0 { throw SpawnError(path: path, errno: rc) }
        return pid
    }

    /// Waits for `pid`; returns its exit status, or 128 + the signal that ended it, as shells do.
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return 127 }
        }
        if status & 0x7f == 0 { return (status >> 8) & 0xff }   // WIFEXITED / WEXITSTATUS
        return 128 + (status & 0x7f)                           // WTERMSIG
    }

    /// Runs a program to completion, capturing stdout (up to `limit` bytes), bounded by `timeoutSeconds`.
    /// Returns nil output when it timed out (the child is killed).
    public static func capture(_ path: String, _ arguments: [String], timeoutSeconds: Int = 5, limit: Int = 1 << 20) -> (output: [UInt8], status: Int32)? {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        let devnull = open("/dev/null", O_RDWR)
        defer { close(devnull) }
        guard let pid = try? spawn(path, arguments, stdin: devnull, stdout: fds[1], stderr: devnull, closing: [fds[0]]) else {
            close(fds[0]); close(fds[1])
            return nil
        }
        close(fds[1])
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = time(nil) + timeoutSeconds
        var timedOut = false
        while true {
            var pfd = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
            let remaining = Int32(max(0, deadline - time(nil))) * 1000
            let r = poll(&pfd, 1, remaining)
            if r == 0 { timedOut = true; break }
            if r < 0 { if errno == EINTR { continue }; break }
            let n = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress!, $0.count) }
            if n <= 0 { break }
            if out.count < limit { out.append(contentsOf: buffer[0..<n]) }
        }
        close(fds[0])
        if timedOut { kill(pid, SIGKILL) }
        let status = wait(pid)
        return timedOut ? nil : (out, status)
    }
}
