#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Work that must happen however the stage ends. `Stage` exits the process itself on SIGINT/SIGTERM
/// (after flushing stdout) and from `finish()`; both go through exit(3), which runs atexit handlers,
/// so a pending SQLite transaction is committed rather than lost.
enum ExitFlush {
    nonisolated(unsafe) private static var actions: [() -> Void] = []
    nonisolated(unsafe) private static var installed = false

    static func register(_ action: @escaping () -> Void) {
        actions.append(action)
        if !installed {
            installed = true
            atexit { ExitFlush.run() }
        }
    }

    static func run() {
        let pending = actions
        actions = []
        for a in pending { a() }
    }
}
