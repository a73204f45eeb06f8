#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// The bytes of a JSON Feed document as the streaming reader sees them: a window that grows as the
/// descriptor is read and is trimmed behind each item, so memory follows the largest item, not the
/// document. A byte-order mark is dropped and invalid UTF-8 is replaced by U+FFFD on the way in (the
/// count is in `replacedBytes`). Positions are absolute offsets into these repaired bytes.
final class JSONFeedInput {
    private enum Origin {
        case memory
        case descriptor(Int32)
        /// A document in memory handed over `chunk` bytes at a time, as a pipe would (for tests and fuzzing).
        case chunks(UnsafeRawBufferPointer, chunk: Int)
    }
    private var chunksTaken = 0
    private let origin: Origin
    /// The window: `count` bytes starting at absolute offset `offset`. For a document in memory it is
    /// the whole document; for a descriptor, storage of our own.
    private(set) var base: UnsafePointer<UInt8>
    private(set) var count: Int
    private(set) var offset = 0
    private(set) var eof: Bool
    private(set) var readError: Int32 = 0
    private(set) var replacedBytes = 0

    // Descriptor input.
    private var storage: UnsafeMutablePointer<UInt8>?
    private var capacity = 0
    private let prefix: [UInt8]
    /// Where the document starts in a regular file, for reading it again; nil for a pipe.
    private let fileStart: off_t?
    /// The end of a UTF-8 sequence that the last read cut off, completed by the next one.
    private var carry: [UInt8] = []
    private var atStart = true
    private static let chunk = 256 << 10
    private let scratch: UnsafeMutableRawBufferPointer?

    // Document in memory (repaired copy when it held invalid UTF-8).
    private let memory: UnsafeRawBufferPointer?
    private var repairedCopy: UnsafeMutableBufferPointer<UInt8>?

    // Lines of the bytes already trimmed off, for positions.
    private var linesBefore = 0
    private var lineStartBefore = 0

    init(memory document: UnsafeRawBufferPointer) {
        origin = .memory
        prefix = []
        fileStart = nil
        scratch = nil
        var body = document
        if body.count >= 3, body[0] == 0xEF, body[1] == 0xBB, body[2] == 0xBF {
            body = UnsafeRawBufferPointer(rebasing: body[3...])
        }
        memory = body
        eof = true
        if let fixed = UTF8Repair.repaired(body) {
            let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: fixed.bytes.count)
            _ = copy.initialize(from: fixed.bytes)
            repairedCopy = copy
            replacedBytes = fixed.replaced
            base = UnsafePointer(copy.baseAddress!)
            count = copy.count
        } else {
            base = body.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
            count = body.count
        }
    }

    /// A document on `fd`, of which `prefix` was already read.
    init(descriptor fd: Int32, prefix: [UInt8]) {
        origin = .descriptor(fd)
        self.prefix = prefix
        memory = nil
        scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunk, alignment: 16)
        var info = stat()
        let position = lseek(fd, 0, SEEK_CUR)
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, position >= off_t(prefix.count) {
            fileStart = position - off_t(prefix.count)
        } else {
            fileStart = nil
        }
        base = UnsafePointer(bitPattern: 1)!
        count = 0
        eof = false
        take(prefix, final: false)
    }

    /// `document` delivered like a pipe: `chunk` bytes per read, never read twice.
    init(chunks document: UnsafeRawBufferPointer, chunk: Int) {
        origin = .chunks(document, chunk: max(1, chunk))
        prefix = []
        memory = nil
        scratch = nil
        fileStart = nil
        base = UnsafePointer(bitPattern: 1)!
        count = 0
        eof = false
    }

    deinit {
        storage?.deallocate()
        scratch?.deallocate()
        repairedCopy?.deallocate()
    }

    /// True when the document can be read a second time (in memory, or a regular file).
    var canReadAgain: Bool {
        switch origin {
        case .memory: return true
        case .descriptor: return fileStart != nil
        case .chunks: return false
        }
    }

    /// Starts over at the beginning of the document. False when that is not possible.
    func restart() -> Bool {
        switch origin {
        case .memory:
            linesBefore = 0
            lineStartBefore = 0
            return true
        case .descriptor(let fd):
            guard let fileStart, lseek(fd, fileStart, SEEK_SET) == fileStart else { return false }
            count = 0
            offset = 0
            eof = false
            readError = 0
            replacedBytes = 0
            carry = []
            atStart = true
            trimmed = 0
            linesBefore = 0
            lineStartBefore = 0
            return true
        case .chunks:
            return false
        }
    }

    /// Reads more of the document into the window. False at the end (or on a read error, in `readError`).
    /// The window's address may change; offsets stay valid.
    func more() -> Bool {
        if case .chunks(let document, let chunk) = origin {
            guard !eof else { return false }
            compact()
            let before = count
            while count == before && !eof {
                let end = min(document.count, chunksTaken + chunk)
                if chunksTaken == end {
                    eof = true
                    take([], final: true)
                } else {
                    take(UnsafeRawBufferPointer(rebasing: document[chunksTaken..<end]), final: false)
                    chunksTaken = end
                }
            }
            return count > before
        }
        guard case .descriptor(let fd) = origin, !eof, let scratch else { return false }
        compact()
        let before = count
        while count == before && !eof {
            let got: Int
            switch readSome(fd, into: scratch, honouringStop: true) {
            case .bytes(let n): got = n
            case .end: got = 0
            case .stopped:
                // The stage stops (Normalizer checks the signal); the walker sees a read that failed.
                readError = EINTR
                eof = true
                return false
            case .failed(let e):
                readError = e
                eof = true
                return false
            }
            if got == 0 {
                eof = true
                take([], final: true)
            } else {
                take(UnsafeRawBufferPointer(rebasing: scratch[0..<got]), final: false)
            }
        }
        return count > before
    }

    /// Marks the window's bytes before absolute offset `position` as done with: they are dropped when
    /// the window next needs room (dropping them at once would move the read-ahead after every item).
    func trim(before position: Int) {
        if position > trimmed { trimmed = position }
    }
    private var trimmed = 0

    /// Drops the bytes marked by `trim`, before reading more.
    private func compact() {
        guard let storage else { return }
        let n = min(trimmed - offset, count)
        guard n > 0 else { return }
        countLines(UnsafeBufferPointer(start: UnsafePointer(storage), count: n), startingAt: offset)
        if n < count { memmove(storage, storage + n, count - n) }
        count -= n
        offset += n
    }

    /// 1-based line and byte column of an absolute offset that is still in the window (or just past it).
    func lineAndColumn(_ position: Int) -> (line: Int, column: Int) {
        var line = linesBefore + 1
        var lineStart = lineStartBefore
        let end = min(max(position - offset, 0), count)
        var i = 0
        while i < end {
            if base[i] == 0x0A { line += 1; lineStart = offset + i + 1 }
            i += 1
        }
        return (line, position - lineStart + 1)
    }

    private func countLines(_ bytes: UnsafeBufferPointer<UInt8>, startingAt start: Int) {
        var i = 0
        while i < bytes.count, let hit = memchr(bytes.baseAddress! + i, 0x0A, bytes.count - i) {
            let at = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - bytes.baseAddress!
            linesBefore += 1
            lineStartBefore = start + at + 1
            i = at + 1
        }
    }

    /// Appends freshly read bytes: byte-order mark dropped, a cut-off UTF-8 sequence held back until
    /// the next read, invalid UTF-8 replaced.
    private func take<Bytes: Collection>(_ fresh: Bytes, final: Bool) where Bytes.Element == UInt8 {
        var bytes = carry
        bytes.append(contentsOf: fresh)
        carry = []
        if atStart {
            if bytes.count < 3 && !final { carry = bytes; return }
            atStart = false
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { bytes.removeFirst(3) }
        }
        if !final, let cut = Self.cutSequence(bytes) {
            carry = Array(bytes[cut...])
            bytes.removeSubrange(cut...)
        }
        let repaired = bytes.withUnsafeBytes { UTF8Repair.repaired($0) }
        if let repaired {
            replacedBytes += repaired.replaced
            append(repaired.bytes)
        } else {
            append(bytes)
        }
    }

    /// Where a UTF-8 sequence that the end of `bytes` cuts short starts, if one does.
    private static func cutSequence(_ bytes: [UInt8]) -> Int? {
        var k = bytes.count - 1
        while k >= 0 && k >= bytes.count - 3 {
            let c = bytes[k]
            if c & 0xC0 == 0xC0 {
                let length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2
                return k + length > bytes.count ? k : nil
            }
            if c & 0xC0 != 0x80 { return nil }
            k -= 1
        }
        return nil
    }

    private func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        if count + bytes.count > capacity {
            let newCapacity = max(capacity * 2, count + bytes.count, 1 << 16)
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            if let storage {
                grown.update(from: storage, count: count)
                storage.deallocate()
            }
            storage = grown
            capacity = newCapacity
        }
        bytes.withUnsafeBufferPointer { src in (storage! + count).update(from: src.baseAddress!, count: src.count) }
        count += bytes.count
        base = UnsafePointer(storage!)
    }
}
