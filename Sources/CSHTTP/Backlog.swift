/// A request waiting for its turn in `HTTPClient`: not started yet, waiting out a backoff, or
/// about to follow a redirect.
struct PendingRequest {
    var request: HTTPRequest  // what to send now (after redirects followed by HTTPClient, not the original)
    var original: HTTPRequest // what the caller asked for: reported in the outcome
    var host: String          // request.hostKey, computed once
    var attempt = 1           // the attempt this entry will make, from 1
    var notBefore = 0.0       // monotonic seconds
    var firstStart: Double?
    var redirects = 0

    init(_ request: HTTPRequest) {
        self.request = request
        original = request
        host = request.hostKey
    }

    mutating func retarget(_ next: HTTPRequest) {
        request = next
        host = next.hostKey
    }
}

/// Waiting requests, one FIFO queue per host, so that a host at its connection cap is skipped in
/// constant time however many of its feeds wait (thousands of feeds on one host is common).
struct Backlog {
    private struct Queue {
        var items: [PendingRequest?] = []
        var head = 0
        var isEmpty: Bool { head == items.count }
    }

    private var queues: [String: Queue] = [:]
    /// Hosts with waiting requests, in the order they were first seen.
    private(set) var hosts: [String] = []
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// Queues a request; `first` puts it ahead of its host's queue (a redirect goes on at once).
    mutating func add(_ entry: PendingRequest, first: Bool = false) {
        if queues[entry.host] == nil {
            queues[entry.host] = Queue()
            hosts.append(entry.host)
        }
        if first {
            queues[entry.host]!.items.insert(entry, at: queues[entry.host]!.head)
        } else {
            queues[entry.host]!.items.append(entry)
        }
        count += 1
    }

    /// Removes and returns the oldest request for `host` whose backoff is over.
    mutating func takeReady(host: String, now: Double) -> PendingRequest? {
        guard var queue = queues[host] else { return nil }
        queues[host] = nil  // edit a uniquely held copy, not a shared one
        defer {
            if queue.isEmpty {
                hosts.removeAll { $0 == host }
            } else {
                if queue.head > 64, queue.head * 2 > queue.items.count {
                    queue.items.removeFirst(queue.head)
                    queue.head = 0
                }
                queues[host] = queue
            }
        }
        guard let index = queue.items[queue.head...].firstIndex(where: { $0!.notBefore <= now }) else { return nil }
        let entry = queue.items[index]!
        if index == queue.head {
            queue.items[index] = nil
            queue.head += 1
        } else {
            queue.items.remove(at: index)
        }
        count -= 1
        return entry
    }

    /// When the earliest backoff ends (nil when nothing waits).
    var earliest: Double? {
        var best: Double?
        for queue in queues.values {
            for entry in queue.items[queue.head...] { if let e = entry, best.map({ e.notBefore < $0 }) ?? true { best = e.notBefore } }
        }
        return best
    }
}
