#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// Builds records on a second thread while the calling thread goes on reading the XML document: the
/// item's HTML (content_text, sections) and its JSON are most of the work. When this thread falls behind,
/// the reading thread builds records too and queues them ready-made. Items, records and issues pass
/// through one bounded queue, so records and diagnostics come out in document order, and only this
/// thread calls `report` and `emit` while it runs. Memory stays bounded by the queue's capacity, in
/// entries and in bytes: behind a slow reader of the output, a queue of large items would otherwise
/// hold 64 of them (gigabytes with items of tens of megabytes), so the reading thread waits instead.
final class RecordPipeline {
    enum Work {
        /// An item for this thread to build.
        case item(AdvisoryDraft, FeedSnapshot)
        /// A record the reading thread built itself (while this one was busy): only to be emitted.
        case ready(AdvisoryRecord)
        case issue(FeedIssue)

        /// About the bytes the work holds (an item's text, a record's JSON).
        var bytes: Int {
            switch self {
            case .item(let draft, _): return draft.textBytes
            case .ready(let record): return record.bytes.count
            case .issue(let issue): return issue.message.utf8.count
            }
        }
    }

    static let capacity = 64
    /// The bytes the queue may hold; one piece of work larger than this still passes, alone.
    static let byteCapacity = 16 << 20
    private var slots: [Work?] = Array(repeating: nil, count: RecordPipeline.capacity)
    private var slotBytes = [Int](repeating: 0, count: RecordPipeline.capacity)
    private var head = 0
    private var count = 0
    private var queuedBytes = 0
    private var closed = false
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let notEmpty = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let notFull = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var thread = pthread_t()
    private var started = false
    private let report: (FeedIssue) -> Void
    private let emit: (AdvisoryRecord) -> Void
    /// The worker's own HTML parser (a parser reuses its buffers, so each thread has one).
    private let parser = HTMLParser()

    /// True when a second core is there to use.
    static var worthwhile: Bool { sysconf(Int32(_SC_NPROCESSORS_ONLN)) > 1 }

    /// `report` and `emit` are called on the worker thread until `finish()` returns.
    init(report: @escaping (FeedIssue) -> Void, emit: @escaping (AdvisoryRecord) -> Void) {
        self.report = report
        self.emit = emit
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(notEmpty, nil)
        pthread_cond_init(notFull, nil)
        let me = Unmanaged.passUnretained(self).toOpaque()
        started = pthread_create(&thread, nil, { context in
            Unmanaged<RecordPipeline>.fromOpaque(context!).takeUnretainedValue().run()
            return nil
        }, me) == 0
    }

    deinit {
        pthread_cond_destroy(notFull)
        pthread_cond_destroy(notEmpty)
        pthread_mutex_destroy(mutex)
        notFull.deallocate()
        notEmpty.deallocate()
        mutex.deallocate()
    }

    /// Queues work, waiting while the queue is full. Without a thread (it could not be started), the
    /// work is done at once on the caller's thread.
    func submit(_ work: Work) {
        guard started else { handle(work); return }
        let bytes = work.bytes
        pthread_mutex_lock(mutex)
        while count == Self.capacity || count > 0 && queuedBytes + bytes > Self.byteCapacity { pthread_cond_wait(notFull, mutex) }
        slots[(head + count) % Self.capacity] = work
        slotBytes[(head + count) % Self.capacity] = bytes
        queuedBytes += bytes
        count += 1
        pthread_cond_signal(notEmpty)
        pthread_mutex_unlock(mutex)
    }

    /// Queues one item: for the worker to build, or built here (with `parser`, on the caller's thread)
    /// when the worker is behind.
    func add(_ draft: AdvisoryDraft, feed: FeedSnapshot, parser localParser: HTMLParser) {
        guard isBehind else { submit(.item(draft, feed)); return }
        var issues: [FeedIssue] = []
        let record = draft.record(in: feed, parser: localParser, report: { issues.append($0) })
        for issue in issues { submit(.issue(issue)) }
        submit(.ready(record))
    }

    /// Runs `body` with a pipeline for `report` and `emit` when a second core is there, else with none;
    /// everything queued is emitted before this returns.
    static func with<T>(report: (FeedIssue) -> Void, emit: (AdvisoryRecord) -> Void,
                        _ body: (RecordPipeline?) throws(FeedError) -> T) throws(FeedError) -> T {
        guard worthwhile else { return try body(nil) }
        let result: Result<T, FeedError> = withoutActuallyEscaping(report) { report in
            withoutActuallyEscaping(emit) { emit in
                let pipeline = RecordPipeline(report: report, emit: emit)
                defer { pipeline.finish() }
                return Result { () throws(FeedError) in try body(pipeline) }
            }
        }
        return try result.get()
    }

    /// True when the worker has work waiting: the reading thread then builds the next record itself, so
    /// that both cores stay busy whatever the share of XML and HTML in the document.
    var isBehind: Bool {
        guard started else { return false }
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return count >= 2
    }

    /// Waits until everything queued has been emitted or reported, and stops the thread.
    func finish() {
        guard started else { return }
        pthread_mutex_lock(mutex)
        closed = true
        pthread_cond_signal(notEmpty)
        pthread_mutex_unlock(mutex)
        pthread_join(thread, nil)
        started = false
    }

    private func run() {
        while true {
            pthread_mutex_lock(mutex)
            while count == 0 && !closed { pthread_cond_wait(notEmpty, mutex) }
            if count == 0 {
                pthread_mutex_unlock(mutex)
                return
            }
            let work = slots[head]!
            slots[head] = nil
            queuedBytes -= slotBytes[head]
            head = (head + 1) % Self.capacity
            count -= 1
            pthread_cond_signal(notFull)
            pthread_mutex_unlock(mutex)
            handle(work)
        }
    }

    private func handle(_ work: Work) {
        switch work {
        case .item(let draft, let feed): emit(draft.record(in: feed, parser: parser, report: report))
        case .ready(let record): emit(record)
        case .issue(let issue): report(issue)
        }
    }
}
