#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What a dead-letter entry keeps of one rejection (docs/contract.md, "The dead-letter file").
public enum DeadLetterItem {
    /// A bad input line, kept verbatim: the file can be mended and fed back as it is.
    case line(UnsafeBufferPointer<UInt8>)
    /// A record that was read but refused later (by a server, say): an entry holding the record and why.
    case record(UnsafeBufferPointer<UInt8>)
    /// A fetched URL that gave no feed: an entry with the URL and why.
    case url(String)
    /// A whole file (a document that is no feed, an input that cannot be read): an entry with its path and why.
    case path(String)
    /// Nothing that can be copied (a line too long to hold, a document on stdin): an entry saying where and why.
    case position
}

/// `--dead-letter FILE`: one line per rejection, each appended with one write(2) so that stages sharing
/// the file do not interleave. Every write is checked; what could not be written is counted, so the
/// stage never claims to have kept it.
public final class DeadLetter {
    public let path: String
    private let fd: Int32
    /// Rejections written whole.
    public private(set) var kept = 0
    /// Rejections that could not be written (a short write, ENOSPC, EIO, …).
    public private(set) var notKept = 0
    /// errno of the first write that failed.
    public private(set) var writeError: Int32? = nil

    public init(path: String) throws(StageError) {
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        self.path = path
        if fd < 0 {
            let e = errno
            throw StageError(StatusCode(errno: e), "cannot open dead-letter file \(path): \(systemErrorText(e))")
        }
    }

    deinit { close(fd) }

    /// Appends one rejection; false when it could not be written whole.
    @discardableResult
    public func keep(_ item: DeadLetterItem, stage: String, at position: Position, code: StatusCode, reason: String,
                     id: String? = nil) -> Bool {
        if case let .line(bytes) = item { return keep(bytes) }
        let entry = DeadLetter.entry(item, stage: stage, at: position, code: code, reason: reason, id: id)
        return entry.withUnsafeBufferPointer { keep($0) }
    }

    /// Appends `line` and a newline, verbatim; false when it could not be written whole.
    @discardableResult
    public func keep(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var bytes = [UInt8](line)
        bytes.append(0x0A)
        let e = writeAll(fd, bytes)   // one write(2) for the whole line, unless it comes back short
        if let e {
            notKept += 1
            if writeError == nil { writeError = e }
            return false
        }
        kept += 1
        return true
    }

    @discardableResult
    public func keep(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { keep($0) }
    }

    /// The entry for a rejection that is not kept verbatim: one JSON object on one line,
    /// `{"dead_letter":"cs/1","stage","time","input","line","code","reason","id", and "url", "path" or "record"}`.
    static func entry(_ item: DeadLetterItem, stage: String, at position: Position, code: StatusCode, reason: String,
                      id: String?) -> [UInt8] {
        let w = JSONBytesWriter(capacity: 512)
        w.beginObject()
        w.key("dead_letter"); w.string(DeadLetter.format)
        w.key("stage"); w.string(stage)
        w.key("time"); w.string(RFC3339.now())
        if let input = position.input { w.key("input"); w.string(input) }
        if let line = position.line { w.key("line"); w.json(.int(line)) }
        w.key("code"); w.string(code.rawValue)
        w.key("reason"); w.string(reason)
        if let id { w.key("id"); w.string(id) }
        switch item {
        case let .url(url): w.key("url"); w.string(url)
        case let .path(path): w.key("path"); w.string(path)
        case .record, .line, .position: break
        }
        w.endObject()
        var bytes = w.bytes
        if case let .record(record) = item {
            // The record is a JSON object already (it was scanned): it goes in as it is, not re-encoded.
            bytes.removeLast()
            bytes.append(contentsOf: Array(",\"record\":".utf8))
            bytes.append(contentsOf: record)
            bytes.append(UInt8(ascii: "}"))
        }
        return bytes
    }

    /// The value of `dead_letter` that marks an entry (a line that is not an entry is a verbatim input line).
    public static let format = "cs/1"
}
