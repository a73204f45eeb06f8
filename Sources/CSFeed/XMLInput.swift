#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
internal import CLibXML2
import CSCore

/// The bytes of one XML document on their way to libxml2's streaming reader: read in chunks (from memory
/// or a file descriptor), repaired chunk by chunk (XMLRepair), and handed over as libxml2 asks for them.
/// Nothing holds the whole document, except a bounded copy of unseekable input kept for recovery.
final class XMLInput {
    private enum Origin {
        case memory(UnsafeRawBufferPointer)
        case descriptor(Int32)
    }
    private let origin: Origin
    private var memoryOffset = 0
    /// Read but not yet repaired (descriptor input).
    private var raw: [UInt8]
    /// Repaired, not yet handed to libxml2.
    private var ready: [UInt8] = []
    private var readyOffset = 0
    private var finished = false
    /// nil for UTF-16/32 documents, which are passed through unchanged.
    private(set) var repair: XMLRepair?
    /// A copy of unseekable input (a pipe) for recovery, dropped past `retainLimit`.
    private var retained: [UInt8]?
    static let retainLimit = 32 << 20
    private(set) var readError: Int32 = 0
    /// The stop signal (SIGINT, SIGTERM) that ended reading; libxml2 then sees a read error.
    private(set) var stopSignal: Int32 = 0
    static let chunk = 256 << 10

    private lazy var scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: XMLInput.chunk, alignment: 16)
    deinit { if case .descriptor = origin { scratch.deallocate() } }

    /// The first bytes, for sniffing the encoding.
    let head: [UInt8]

    /// Converts a legacy encoding to UTF-8 before the repair (then made as UTF-8), or nil.
    let transcoder: Transcoder?

    init(memory: UnsafeRawBufferPointer, utf8: Bool?, transcoder: Transcoder? = nil) {
        origin = .memory(memory)
        raw = []
        head = Array(memory.prefix(512))
        self.transcoder = transcoder
        repair = transcoder != nil ? XMLRepair(utf8: true) : utf8.map { XMLRepair(utf8: $0) }
    }

    /// Input from a descriptor whose first bytes (`prefix`) were already read.
    init(descriptor fd: Int32, prefix: [UInt8], utf8: Bool?, transcoder: Transcoder? = nil) {
        origin = .descriptor(fd)
        head = Array(prefix.prefix(512))
        self.transcoder = transcoder
        repair = transcoder != nil ? XMLRepair(utf8: true) : utf8.map { XMLRepair(utf8: $0) }
        if lseek(fd, 0, SEEK_CUR) < 0 { retained = prefix }
        if let transcoder {
            raw = []
            prefix.withUnsafeBytes { transcoder.convert($0, final: false, into: &raw) }
        } else {
            raw = prefix
        }
    }

    /// libxml2's read callback: up to `count` bytes into `buffer`; 0 at the end, -1 on a read error.
    func read(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int32 {
        while readyOffset == ready.count {
            if finished { return 0 }
            ready.removeAll(keepingCapacity: true)
            readyOffset = 0
            if !produce() { return -1 }
        }
        let n = min(count, ready.count - readyOffset)
        ready.withUnsafeBytes { src in
            UnsafeMutableRawPointer(buffer).copyMemory(from: src.baseAddress! + readyOffset, byteCount: n)
        }
        readyOffset += n
        return Int32(n)
    }

    /// Moves the next chunk through repair into `ready`. False on a read error.
    private func produce() -> Bool {
        if case .memory(let memory) = origin, transcoder == nil {
            // The bytes are repaired straight from memory, without a copy in `raw`.
            let end = min(memory.count, memoryOffset + Self.chunk + XMLRepair.lookahead)
            let final = end == memory.count
            let slice = UnsafeRawBufferPointer(rebasing: memory[memoryOffset..<end])
            if repair != nil {
                memoryOffset += repair!.process(slice, final: final, into: &ready)
            } else {
                ready.append(contentsOf: slice)
                memoryOffset = end
            }
            if final && memoryOffset >= memory.count { finished = true }
            return true
        }
        // Enough for the repair's look-ahead, then go: a slow pipe must not hold back complete items.
        while !sourceEnded && (raw.count <= XMLRepair.lookahead || repair == nil && raw.isEmpty) {
            if !readChunk() { return false }
        }
        let consumed: Int
        if repair != nil {
            consumed = raw.withUnsafeBytes { repair!.process($0, final: sourceEnded, into: &ready) }
        } else {
            ready.append(contentsOf: raw)
            consumed = raw.count
        }
        raw.removeFirst(consumed)
        if sourceEnded && raw.isEmpty { finished = true }
        return true
    }

    /// The source has given all its bytes (they may still wait in `raw`).
    private var sourceEnded = false

    /// Appends the next chunk of the source to `raw`, converted to UTF-8 when there is a transcoder.
    /// False on a read error.
    private func readChunk() -> Bool {
        switch origin {
        case .memory(let memory):
            let end = min(memory.count, memoryOffset + Self.chunk)
            sourceEnded = end == memory.count
            let slice = UnsafeRawBufferPointer(rebasing: memory[memoryOffset..<end])
            memoryOffset = end
            if let transcoder { transcoder.convert(slice, final: sourceEnded, into: &raw) } else { raw.append(contentsOf: slice) }
            return true
        case .descriptor(let fd):
            let got: Int
            switch readSome(fd, into: scratch, honouringStop: true) {
            case .bytes(let n): got = n
            case .end: got = 0
            case .stopped(let signal): stopSignal = signal; readError = EINTR; return false
            case .failed(let e): readError = e; return false
            }
            let slice = UnsafeRawBufferPointer(rebasing: scratch[0..<got])
            if retained != nil {
                if retained!.count + got > Self.retainLimit { retained = nil } else { retained!.append(contentsOf: slice) }
            }
            sourceEnded = got == 0
            if let transcoder { transcoder.convert(slice, final: sourceEnded, into: &raw) } else { raw.append(contentsOf: slice) }
            return true
        }
    }

    /// The whole document again, for the recovering tree parser: the memory itself, a re-read of a
    /// seekable descriptor, or the copy kept of a pipe (nil when it grew past the limit); converted to
    /// UTF-8 when the stream was.
    func wholeDocument() -> [UInt8]? {
        guard let original = originalDocument() else { return nil }
        guard let encoding = transcoder?.encoding, let fresh = Transcoder(from: encoding) else { return original }
        return original.withUnsafeBytes { fresh.convertAll($0) }
    }

    private func originalDocument() -> [UInt8]? {
        switch origin {
        case .memory(let memory):
            return Array(memory)
        case .descriptor(let fd):
            var all: [UInt8]
            if let retained { all = retained }   // a pipe: what was kept, then the rest
            else if retained == nil, lseek(fd, 0, SEEK_CUR) < 0 { return nil }
            else if lseek(fd, 0, SEEK_SET) == 0 { all = [] }
            else { return nil }
            readToEnd(fd, appendingTo: &all)
            return all
        }
    }
}
