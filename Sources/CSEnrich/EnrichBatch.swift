#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// Enriches records on two threads, a batch at a time: the lines of a batch are dealt out alternately to
/// the calling thread and a worker (each with its own Enricher, which keeps buffers and is not shared),
/// both enrich their share into memory, then the calling thread writes the records and reports the
/// rejections and warnings in input order. Output and diagnostics are the same as one thread's, record
/// for record; only when they appear changes (a batch at a time), which is why a line-buffered or
/// interactive stage does not use this (EnrichStage).
final class EnrichBatch {
    /// How one line went, kept until its turn to be written or reported.
    enum Outcome {
        /// The output record is `range` of its share's output bytes; `problems` are warnings for it.
        case enriched(Range<Int>, problems: [String], id: String?)
        case rejected(StatusCode, String, id: String?)
    }

    /// One thread's share of a batch: its lines (copied, the reader reuses its buffer) and their outcomes.
    final class Share {
        var lines: [UInt8] = []
        var ranges: [Range<Int>] = []
        var positions: [Position] = []
        var output: [UInt8] = []
        var outcomes: [Outcome] = []

        func add(_ line: UnsafeBufferPointer<UInt8>, at position: Position) {
            let start = lines.count
            lines.append(contentsOf: line)
            ranges.append(start..<lines.count)
            positions.append(position)
        }

        func clear() {
            lines.removeAll(keepingCapacity: true)
            ranges.removeAll(keepingCapacity: true)
            positions.removeAll(keepingCapacity: true)
            output.removeAll(keepingCapacity: true)
            outcomes.removeAll(keepingCapacity: true)
        }

        func enrich(with enricher: Enricher) {
            var output = self.output   // moved out and back: appends without exclusivity checks on self
            self.output = []
            defer { self.output = output }
            lines.withUnsafeBufferPointer { all in
                for range in ranges {
                    let start = output.count
                    do throws(EnrichError) {
                        try enricher.enrich(UnsafeBufferPointer(rebasing: all[range])) { head, tail in
                            output.append(contentsOf: head)
                            if let tail { output.append(contentsOf: tail) }
                        }
                        let problems = enricher.problems
                        outcomes.append(.enriched(start..<output.count, problems: problems, id: problems.isEmpty ? nil : enricher.lastID))
                    } catch {
                        outcomes.append(.rejected(error.code, error.message, id: error.id))
                    }
                }
            }
        }
    }

    /// Lines per batch (both shares), and the bytes at which a batch is enriched before it has them all.
    static let batchLines = 256
    static let batchBytes = 8 << 20

    private let stage: Stage
    private let local: Enricher
    private let shares = [Share(), Share()]
    private var count = 0
    private var bytes = 0
    private let worker: Worker

    /// True when a second core is there to use.
    static var worthwhile: Bool { sysconf(Int32(_SC_NPROCESSORS_ONLN)) > 1 }

    /// `makeEnricher` is called once here and once on the worker thread (each thread builds its own).
    init?(stage: Stage, local: Enricher, makeEnricher: @escaping () -> Enricher) {
        guard let worker = Worker(makeEnricher: makeEnricher) else { return nil }
        self.stage = stage
        self.local = local
        self.worker = worker
    }

    /// Queues one line; a full batch is enriched and written.
    func add(_ line: UnsafeBufferPointer<UInt8>, at position: Position) {
        shares[count & 1].add(line, at: position)
        count += 1
        bytes += line.count
        if count == Self.batchLines || bytes >= Self.batchBytes { flush() }
    }

    /// Enriches and writes what is queued.
    func flush() {
        guard count > 0 else { return }
        worker.start(shares[1])
        shares[0].enrich(with: local)
        worker.wait()
        let output = stage.output
        for k in 0..<count {
            let share = shares[k & 1], i = k >> 1
            switch share.outcomes[i] {
            case let .enriched(range, problems, id):
                share.output.withUnsafeBufferPointer { output.write(UnsafeBufferPointer(rebasing: $0[range])) }
                output.endRecord()
                if !problems.isEmpty { EnrichStage.reportProblems(problems, at: share.positions[i], id: id, stage: stage) }
            case let .rejected(code, message, id):
                share.lines.withUnsafeBufferPointer {
                    stage.reject(UnsafeBufferPointer(rebasing: $0[share.ranges[i]]), at: share.positions[i], code, message, id: id)
                }
            }
        }
        for share in shares { share.clear() }
        count = 0
        bytes = 0
    }

    /// Stops the worker thread (after `flush()`).
    func finish() { worker.stop() }

    /// The second thread: enriches one share at a time with its own Enricher.
    private final class Worker: @unchecked Sendable {
        private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        private var thread = pthread_t()
        private var job: Share?
        private var done = true
        private var stopping = false
        private let makeEnricher: () -> Enricher

        init?(makeEnricher: @escaping () -> Enricher) {
            self.makeEnricher = makeEnricher
            pthread_mutex_init(mutex, nil)
            pthread_cond_init(changed, nil)
            let me = Unmanaged.passRetained(self).toOpaque()
            guard pthread_create(&thread, nil, { context in
                let worker = Unmanaged<Worker>.fromOpaque(context!).takeRetainedValue()
                worker.run()
                return nil
            }, me) == 0 else {
                Unmanaged<Worker>.fromOpaque(me).release()
                return nil
            }
        }

        deinit {
            pthread_cond_destroy(changed)
            pthread_mutex_destroy(mutex)
            changed.deallocate()
            mutex.deallocate()
        }

        func start(_ share: Share) {
            pthread_mutex_lock(mutex)
            job = share
            done = false
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
        }

        func wait() {
            pthread_mutex_lock(mutex)
            while !done { pthread_cond_wait(changed, mutex) }
            pthread_mutex_unlock(mutex)
        }

        func stop() {
            pthread_mutex_lock(mutex)
            stopping = true
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
            pthread_join(thread, nil)
        }

        private func run() {
            let enricher = makeEnricher()
            while true {
                pthread_mutex_lock(mutex)
                while job == nil && !stopping { pthread_cond_wait(changed, mutex) }
                guard let share = job else { pthread_mutex_unlock(mutex); return }
                pthread_mutex_unlock(mutex)
                share.enrich(with: enricher)
                pthread_mutex_lock(mutex)
                job = nil
                done = true
                pthread_cond_broadcast(changed)
                pthread_mutex_unlock(mutex)
            }
        }
    }
}
