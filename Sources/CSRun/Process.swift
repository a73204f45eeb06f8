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
    /// The child starts with `signalMask` as its blocked signals (nil: this thread's mask) and, with
    /// `ownProcessGroup`, as the leader of a new process group, so that `kill(-pid, …)` reaches what it starts too.
    public static func spawn(_ path: String, _ arguments: [String], stdin: Int32 = 0, stdout: Int32 = 1, stderr: Int32 = 2,
                             closing: [Int32] = [], extraEnvironment: [String] = [],
                             signalMask: sigset_t? = nil, ownProcessGroup: Bool = false) throws(SpawnError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var flags: Int32 = 0
        if var mask = signalMask {
            posix_spawnattr_setsigmask(&attributes, &mask)
            flags |= Int32(POSIX_SPAWN_SETSIGMASK)
        }
        if ownProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
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
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, env)
        if rc != 0 { throw SpawnError(path: path, errno: rc) }
        return pid
    }

    /// Waits for `pid`; returns its exit status, or 128 + the signal that ended it, as shells do.
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return 127 }
        }
        return exitStatus(status)
    }

    /// A wait status as a shell reports it: the exit status, or 128 + the signal that ended the process.
    public static func exitStatus(_ status: Int32) -> Int32 {
        if status & 0x7f == 0 { return (status >> 8) & 0xff }   // WIFEXITED / WEXITSTATUS
        return 128 + (status & 0x7f)                           // WTERMSIG
    }

    /// The status of `pid` if it has ended (and is now reaped), or nil while it runs.
    public static func reapIfExited(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        if r == pid { return exitStatus(status) }
        if r < 0 && errno == ECHILD { return 127 }
        return nil
    }

    /// SIGINT or SIGTERM arrived while waiting; what was started has been stopped.
    public struct Interrupted: Error {
        public let signal: Int32
    }

    /// Runs a program to completion, capturing stdout (up to `limit` bytes), bounded by `timeoutSeconds`.
    /// Returns nil when it did not finish in time. The program runs in its own process group, and the whole
    /// group is killed when the program is done or out of time, so nothing it started outlives the call.
    /// SIGINT/SIGTERM while waiting kill the group too, and are thrown.
    public static func capture(_ path: String, _ arguments: [String], timeoutSeconds: Double = 5,
                               limit: Int = 1 << 20) throws(Interrupted) -> (output: [UInt8], status: Int32)? {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        let devnull = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { if devnull >= 0 { close(devnull) } }
        // Blocked here, so that they are waited for (sigtimedwait) instead of ending this process.
        var watched = SignalSet.of([SIGCHLD, SIGINT, SIGTERM])
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &watched, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        guard let pid = try? spawn(path, arguments, stdin: devnull, stdout: fds[1], stderr: devnull, closing: [fds[0]],
                                   signalMask: previous, ownProcessGroup: true) else {
            close(fds[0]); close(fds[1])
            return nil
        }
        close(fds[1])
        var reading = true
        defer { if reading { close(fds[0]) } }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = Clock.monotonicSeconds() + timeoutSeconds
        var stop: Int32 = 0
        var timedOut = false
        // Until stdout is closed and the program has exited, in slices short enough to notice a signal soon.
        while reading || !hasExited(pid) {
            let remaining = deadline - Clock.monotonicSeconds()
            if remaining <= 0 { timedOut = true; break }
            let slice = min(remaining, 0.1)
            if reading {
                var pfd = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
                if poll(&pfd, 1, Int32(slice * 1000) + 1) > 0 {
                    if case .bytes(let n) = buffer.withUnsafeMutableBytes({ readSome(fds[0], into: $0) }) {
                        if out.count < limit { out.append(contentsOf: buffer[0..<min(n, limit - out.count)]) }
                    } else {
                        close(fds[0]); reading = false
                    }
                }
            } else {
                var timeout = timespec(tv_sec: 0, tv_nsec: Int(slice * 1e9))
                _ = sigtimedwait(&watched, nil, &timeout)   // wakes on SIGCHLD
            }
            stop = SignalSet.takePending([SIGINT, SIGTERM])
            if stop != 0 { break }
        }
        // The leader is not reaped yet, so its pid still names this group alone.
        kill(-pid, SIGKILL)
        let status = wait(pid)
        if stop != 0 { throw Interrupted(signal: stop) }
        return timedOut ? nil : (out, status)
    }

    /// Whether `pid` has exited, without reaping it (its pid stays reserved for `kill(-pid, …)`).
    static func hasExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        return waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info._sifields._sigchld.si_pid == pid
    }
}

/// Signal sets for blocking signals and taking them synchronously (no handlers involved).
public enum SignalSet {
    public static func of(_ signals: [Int32]) -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s) }
        return set
    }

    /// Takes one pending (blocked) signal of `signals`, or returns 0 when none is pending.
    public static func takePending(_ signals: [Int32]) -> Int32 {
        var set = of(signals)
        var now = timespec(tv_sec: 0, tv_nsec: 0)
        let s = sigtimedwait(&set, nil, &now)
        return s > 0 ? s : 0
    }
}

public enum Clock {
    public static func monotonicSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
