import Foundation

/// Waiting for what a test started to be ready: a port in a state file, a line on stderr or stdout, a
/// request count, a file's contents. Tests wait on such a condition, never for an amount of time, and
/// assert no time bound. The only limit is a hang guard, long enough that a loaded machine never
/// reaches it: its one job is to end a test that would otherwise hang.
public enum Readiness {
    /// Ten minutes.
    public static let hangGuard: TimeInterval = 600

    /// Checks `condition` until it holds (true), or until the process it waits on is gone (`alive` false)
    /// or the hang guard runs out (false). The pause between checks paces the polling; it does not
    /// stand in for the condition.
    @discardableResult
    public static func wait(hangGuard: TimeInterval = Readiness.hangGuard, pace: useconds_t = 10_000, alive: () -> Bool = { true },
                            until condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(hangGuard)
        while true {
            if try condition() { return true }
            guard alive(), Date() < deadline else { return try condition() }
            usleep(pace)
        }
    }
}

extension Readiness {
    /// Bytes written into a pipe that its reader has not read yet (FIONREAD, which Linux answers on
    /// either end of a pipe).
    public static func unread(_ pipe: Pipe) -> Int {
        var count: CInt = 0
        return ioctl(pipe.fileHandleForWriting.fileDescriptor, UInt(FIONREAD), &count) == 0 ? Int(count) : -1
    }

    /// Waits until the process reading `pipe` has read everything written into it (or is gone).
    @discardableResult
    public static func drained(_ pipe: Pipe, by process: Process) -> Bool {
        wait(pace: 100, alive: { process.isRunning }) { unread(pipe) == 0 }
    }
}

extension Readiness {
    /// Whether `pid`'s main thread is blocked reading a pipe or in poll(2) (/proc/PID/wchan).
    public static func blockedReading(_ pid: Int32) -> Bool {
        let wchan = (try? String(contentsOfFile: "/proc/\(pid)/wchan", encoding: .utf8)) ?? ""
        return wchan.contains("pipe") || wchan.contains("poll")
    }

    /// Waits until the stage reading `pipe` has read everything written into it and handled it: the pipe
    /// is empty and the stage waits for more (a pipe drained into a buffer is not yet a record read).
    @discardableResult
    public static func idle(_ pipe: Pipe, by process: Process) -> Bool {
        wait(pace: 1_000, alive: { process.isRunning }) { unread(pipe) == 0 && blockedReading(process.processIdentifier) }
    }
}
