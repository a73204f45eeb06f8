#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// Status codes of diagnostics, named after gRPC's status codes.
public enum StatusCode: String, Sendable {
    case invalidArgument = "INVALID_ARGUMENT"
    case notFound = "NOT_FOUND"
    case deadlineExceeded = "DEADLINE_EXCEEDED"
    case unavailable = "UNAVAILABLE"
    case resourceExhausted = "RESOURCE_EXHAUSTED"
    case dataLoss = "DATA_LOSS"
    case `internal` = "INTERNAL"
    case failedPrecondition = "FAILED_PRECONDITION"
    case permissionDenied = "PERMISSION_DENIED"
    case unauthenticated = "UNAUTHENTICATED"
    case cancelled = "CANCELLED"
    case unknown = "UNKNOWN"
    /// A known format cs does not read (OPML, scriptingNews given to cs-normalize).
    case unimplemented = "UNIMPLEMENTED"
    case ok = "OK"
}

public enum LogLevel: String, Sendable, Comparable {
    case debug, info, warning, error
    var rank: Int { switch self { case .debug: 0; case .info: 1; case .warning: 2; case .error: 3 } }
    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rank < b.rank }
}

public enum LogFormat: String, CaseIterable, Sendable {
    case text, json
}

/// Where a diagnostic points: an input (file name, URL, or "-" for stdin) and a line in it.
public struct Position: Sendable {
    public var input: String?
    public var line: Int?
    public init(input: String? = nil, line: Int? = nil) { self.input = input; self.line = line }
}

/// Diagnostics on stderr: readable text by default, one JSON object per line with `--log-format json`.
/// Every message is written with a single write(2) so that lines from parallel stages do not interleave.
public final class Diagnostics {
    public let stage: String
    public let format: LogFormat
    /// The lowest level shown (`-q` raises it to `.error`).
    public let threshold: LogLevel
    /// How many diagnostics of each level were emitted, shown or not.
    public var counts: [LogLevel: Int] { counted.withLock { $0 } }
    private let counted = Mutex<[LogLevel: Int]>([:])   // a second thread (cs-sink's flush timer) may report too

    public init(stage: String, format: LogFormat = .text, quiet: Bool = false) {
        self.stage = stage
        self.format = format
        self.threshold = quiet ? .error : .info
    }

    public func emit(_ level: LogLevel, _ code: StatusCode, _ message: String, at position: Position = Position(), id: String? = nil,
                     extra: [(String, JSON)] = []) {
        counted.withLock { $0[level, default: 0] += 1 }
        guard level >= threshold else { return }
        var text: String
        switch format {
        case .text:
            var where_ = ""
            // Inputs, messages and ids may carry a feed's text: control characters are shown, not sent.
            if let input = position.input { where_ = input == "-" ? "<stdin>" : DiagnosticEscape.visible(input) }
            if let line = position.line { where_ += where_.isEmpty ? "line \(line)" : ":\(line)" }
            text = "\(stage): \(level.rawValue)"
            if !where_.isEmpty { text += ": \(where_)" }
            text += ": \(DiagnosticEscape.visible(message))"
            if let id { text += " [id \(DiagnosticEscape.visible(id))]" }
            if code != .ok { text += " (\(code.rawValue))" }
            text += "\n"
        case .json:
            let o = JSON.object()
            o.set("level", .string(level.rawValue))
            o.set("stage", .string(stage))
            o.set("code", .string(code.rawValue))
            o.set("message", .string(message))
            if let input = position.input { o.set("input", .string(input)) }
            if let line = position.line { o.set("line", .int(line)) }
            if let id { o.set("id", .string(id)) }
            for (k, v) in extra { o.set(k, v) }
            text = String(decoding: DiagnosticEscape.json(o.serialized()), as: UTF8.self) + "\n"
        }
        text.withUTF8 { _ = writeAll(2, UnsafeRawBufferPointer($0)) }   // stderr that fails has nowhere to report to
    }

    public func error(_ code: StatusCode, _ message: String, at position: Position = Position(), id: String? = nil) {
        emit(.error, code, message, at: position, id: id)
    }
    public func warning(_ code: StatusCode, _ message: String, at position: Position = Position(), id: String? = nil) {
        emit(.warning, code, message, at: position, id: id)
    }
    public func info(_ message: String, at position: Position = Position()) {
        emit(.info, .ok, message, at: position)
    }
}

/// An error that stops a stage, with the status code its diagnostic carries.
public struct StageError: Error, CustomStringConvertible {
    public let code: StatusCode
    public let message: String
    public init(_ code: StatusCode, _ message: String) { self.code = code; self.message = message }
    public var description: String { message }
}
