#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore
import Synchronization

/// cs-sink's side of a network destination: records are encoded as they are read, gathered into
/// batches of `--batch`, and handed to the `Deliverer` when a batch is full, when it has waited
/// `--flush-interval` (the flush timer's thread, even if no input comes), at the end of input, and
/// on SIGINT/SIGTERM. One lock serializes the reading thread and the timer.
final class NetworkSink: @unchecked Sendable {
    let stage: Stage
    let deliverer: Deliverer
    let endpoint: DeliveryEndpoint
    let batchSize: Int
    let flushInterval: Double
    private let lock = Mutex(())
    private var batch: [PendingRecord] = []
    private var oldest = 0.0
    private var completed = false

    init(stage: Stage, target: NetworkTarget, format: SinkFormat, options: DeliveryOptions) {
        self.stage = stage
        let endpoint: DeliveryEndpoint
        switch target.kind {
        case .webhook: endpoint = WebhookEndpoint(target: target, format: format, arrays: options.batch != nil, options: options)
        case .splunkHEC: endpoint = SplunkHECEndpoint(target: target, options: options)
        case .elastic: endpoint = ElasticBulkEndpoint(target: target, options: options)
        case .syslogUDP, .syslogTCP: endpoint = SyslogEndpoint(target: target, options: options)
        case .redisStream: endpoint = RedisStreamEndpoint(target: target, url: target.redis!, options: options)
        }
        self.endpoint = endpoint
        deliverer = Deliverer(endpoint: endpoint, stage: stage, options: options, destination: target.display)
        batchSize = max(1, options.batch ?? DeliveryOptions.defaultBatch(target.kind))
        flushInterval = options.flushInterval
        batch.reserveCapacity(batchSize)
    }

    /// Starts the flush timer (when batches can hold more than one record).
    func start() {
        guard batchSize > 1, flushInterval > 0 else { return }
        FlushTimer.start(period: min(flushInterval / 4, 0.25)) { [self] in tick() }
    }

    /// Runs `body` holding the lock: the reading thread does all its work on a line this way.
    func locked(_ body: () -> Void) { lock.withLock { _ in body() } }

    /// Encodes and queues a record (call with the lock held).
    func consume(_ line: UnsafeBufferPointer<UInt8>, _ scanner: RecordScanner, at position: Position) {
        let id = scanner.value("id")?.string
        switch endpoint.payload(line, scanner) {
        case .failure(let error):
            stage.reject(line, at: position, error.code, "not delivered: \(error.message)", id: id)
        case .success(let payload):
            if batch.isEmpty { oldest = NetworkSink.now() }
            batch.append(PendingRecord(line: Array(line), position: position, id: id, uid: scanner.value("uid")?.string, payload: payload))
            if batch.count >= batchSize { flushPending() }
        }
    }

    private func flushPending() {
        guard !batch.isEmpty else { return }
        let sending = batch
        batch.removeAll(keepingCapacity: true)
        deliverer.deliver(sending)
    }

    /// The timer's call: sends a batch that has waited long enough; false once the sink completed.
    private func tick() -> Bool {
        lock.withLock { _ in
            guard !completed else { return false }
            if !batch.isEmpty, NetworkSink.now() - oldest >= flushInterval { flushPending() }
            return true
        }
    }

    /// Sends what is pending, once: at the end of input, or from the exit handler after a signal.
    func complete() {
        lock.withLock { _ in
            guard !completed else { return }
            completed = true
            flushPending()
            if let counts = deliverer.newAndUpdated { stage.diagnostics.info(counts) }
        }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
