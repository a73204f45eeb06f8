#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A background thread that calls `tick` a few times per flush interval, so a partial batch is sent
/// when it gets old even while the input is idle (the reading thread is then blocked in read(2)).
/// It stops when `tick` returns false. SIGINT and SIGTERM stay blocked in it: they must reach the
/// reading thread, whose read(2) they interrupt.
final class FlushTimer: @unchecked Sendable {
    let period: Double
    let tick: () -> Bool

    private init(period: Double, tick: @escaping () -> Bool) {
        self.period = period
        self.tick = tick
    }

    @discardableResult
    static func start(period: Double, tick: @escaping () -> Bool) -> Bool {
        let timer = FlushTimer(period: max(0.01, period), tick: tick)
        var blocked = sigset_t(), previous = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGINT)
        sigaddset(&blocked, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        var thread = pthread_t()
        let context = Unmanaged.passRetained(timer).toOpaque()
        let rc = pthread_create(&thread, nil, { raw in
            let timer = Unmanaged<FlushTimer>.fromOpaque(raw!).takeRetainedValue()
            timer.loop()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<FlushTimer>.fromOpaque(context).release()
            return false
        }
        pthread_detach(thread)
        return true
    }

    private func loop() {
        while true {
            var ts = timespec(tv_sec: Int(period), tv_nsec: Int((period - Double(Int(period))) * 1e9))
            nanosleep(&ts, nil)
            if !tick() { return }
        }
    }
}
