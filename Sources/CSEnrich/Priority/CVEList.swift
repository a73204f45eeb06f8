/// CVE key -> 64-bit payload for the EPSS table's ~300k CVEs, built on cs-enrich's start-up path: rows are
/// appended in file order (sequential writes; a hash table here cost a cache miss per row) and sorted once
/// (FIRST's file is nearly sorted already, which Swift's sort handles in about one pass); lookups are binary
/// searches.
struct CVEList: Sendable {
    private struct Entry: Sendable {
        var key: UInt64
        var payload: UInt64
    }
    private var entries: [Entry] = []
    private var sorted = true

    var count: Int { entries.count }

    mutating func reserve(_ n: Int) { entries.reserveCapacity(n) }

    mutating func append(_ key: UInt64, _ payload: UInt64) {
        if let last = entries.last, last.key >= key { sorted = false }
        entries.append(Entry(key: key, payload: payload))
    }

    /// Sorts by key; of repeated keys the last row read wins.
    mutating func seal() {
        guard !sorted else { return }
        // Stable by (key, position): the later row of a repeated CVE sorts last.
        var indexed = entries.enumerated().map { ($0.offset, $0.element) }
        indexed.sort { $0.1.key != $1.1.key ? $0.1.key < $1.1.key : $0.0 < $1.0 }
        entries = []
        entries.reserveCapacity(indexed.count)
        for (_, e) in indexed {
            if let last = entries.last, last.key == e.key { entries[entries.count - 1] = e } else { entries.append(e) }
        }
        sorted = true
    }

    func payload(_ key: UInt64) -> UInt64? {
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid].key < key { lo = mid + 1 } else { hi = mid }
        }
        // With repeated keys in an already sorted list, the last of them wins.
        guard lo < entries.count, entries[lo].key == key else { return nil }
        var i = lo
        while i + 1 < entries.count, entries[i + 1].key == key { i += 1 }
        return entries[i].payload
    }
}
