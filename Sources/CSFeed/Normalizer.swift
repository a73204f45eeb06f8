#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore
import CSPosix

/// cs-normalize's input loop. Each input (a file, or "-" for stdin) is one of:
/// - a feed document (RSS, Atom, JSON Feed), parsed whole;
/// - NDJSON lines, each a `cs.fetch/1` envelope (`cs-fetch --raw`: the body is parsed with the envelope's
///   URL as base and its HTTP charset) or an already-normalized `cs.advisory/1` record (validated and
///   written out byte for byte).
/// What an input is comes from its first line, not its name.
public final class Normalizer {
    let stage: Stage
    private let scanner = RecordScanner()
    /// Whole documents may be much longer than an NDJSON line.
    public var maxDocumentBytes = 1 << 30

    public init(stage: Stage) { self.stage = stage }

    public func run(inputs: [String]) {
        for input in inputs.isEmpty ? ["-"] : inputs {
            guard let fd = stage.openInput(input) else { continue }
            normalize(fd: fd, input: input)
            if fd != 0 { close(fd) }
        }
    }

    private func normalize(fd: Int32, input: String) {
        let reader = LineReader(fd: fd, maxLineBytes: maxDocumentBytes)
        var consumed: [UInt8] = []
        do {
            // Sniff on the first line with content.
            while let line = try reader.next() {
                if isBlank(line.bytes) { consumed.append(0x0A); continue }
                if isRecordLine(line.bytes) {
                    handleLine(line, input: input)
                    while let next = try reader.next() {
                        checkSignal()
                        if isBlank(next.bytes) { continue }
                        handleLine(next, input: input)
                    }
                    return
                }
                consumed.append(contentsOf: line.bytes)
                consumed.append(0x0A)
                consumed.append(contentsOf: try reader.readAll(limit: maxDocumentBytes))
                break
            }
        } catch {
            switch error {
            case .interrupted(let signal): stage.interrupted(signal)
            case .lineTooLong(_, let limit):
                stage.reject(nil, at: Position(input: input), .resourceExhausted, "document larger than \(limit) bytes; skipped")
                return
            case .readFailed(let e):
                stage.reject(nil, at: Position(input: input), .dataLoss, "read failed: \(String(cString: strerror(e)))")
                return
            }
        }
        if consumed.allSatisfy({ $0 == 0x0A }) { return }   // empty input: nothing to do
        parseDocument(consumed, source: FeedSource(), input: input, line: nil, deadLetter: nil)
    }

    /// An NDJSON line that cs understands: a JSON object with a `schema`, or an envelope with a `body`.
    private func isRecordLine(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.first(where: { !($0 == 0x20 || $0 == 0x09) }) == UInt8(ascii: "{") else { return false }
        guard (try? scanner.scan(bytes)) != nil else { return false }
        if let schema = scanner.value("schema")?.string, schema.hasPrefix("cs.") { return true }
        return scanner.value("body") != nil && scanner.value("url") != nil
    }

    private func handleLine(_ line: InputLine, input: String) {
        let position = Position(input: input, line: line.number)
        if line.bytes.count > stage.maxLineBytes {
            stage.reject(nil, at: position, .resourceExhausted,
                         "line longer than \(stage.maxLineBytes) bytes (raise --max-line); skipped, not kept in the dead-letter file")
            return
        }
        do { try scanner.scan(line.bytes) } catch {
            stage.reject(line.bytes, at: position, .invalidArgument, "not a JSON object: \(error.description)")
            return
        }
        let schema = scanner.value("schema")?.string
        if schema == CSVersion.schema {
            if let problem = AdvisoryValidator.problem(in: scanner) {
                stage.reject(line.bytes, at: position, .invalidArgument, "invalid \(CSVersion.schema) record: \(problem)",
                             id: scanner.value("id")?.string)
            } else {
                stage.output.writeRecord(line.bytes)
            }
            return
        }
        if schema == nil || schema == FetchEnvelope.schema, scanner.value("body") != nil {
            handleEnvelope(line, position: position)
            return
        }
        stage.reject(line.bytes, at: position, .invalidArgument,
                     "neither a \(CSVersion.schema) record nor a \(FetchEnvelope.schema) envelope"
                     + (schema.map { " (schema \"\($0)\")" } ?? ""))
    }

    private func handleEnvelope(_ line: InputLine, position: Position) {
        let envelope: FetchEnvelope
        do { envelope = try FetchEnvelope(line: line.bytes) } catch {
            stage.reject(line.bytes, at: position, error.code, error.message)
            return
        }
        if let status = envelope.status, !(200..<300).contains(status) {
            if status == 304 { return }   // not modified: nothing new, nothing wrong
            stage.reject(line.bytes, at: position, .unavailable, "\(envelope.url): HTTP status \(status); no feed to parse")
            return
        }
        parseDocument(envelope.body, source: envelope.source, input: position.input ?? "-", line: position.line,
                      deadLetter: line.bytes, label: envelope.url)
    }

    private func parseDocument(_ document: [UInt8], source: FeedSource, input: String, line: Int?,
                               deadLetter: UnsafeBufferPointer<UInt8>?, label: String? = nil) {
        let position = Position(input: input, line: line)
        let prefix = label.map { "\($0): " } ?? ""
        var keptDeadLetter = false
        do {
            try FeedParser.parse(document, source: source, report: { issue in
                if issue.level == .error {
                    // Counted in the exit status; the envelope (if any) is kept once.
                    stage.reject(keptDeadLetter ? nil : deadLetter, at: position, issue.code, prefix + issue.text, id: issue.id)
                    keptDeadLetter = true
                } else {
                    stage.diagnostics.emit(issue.level, issue.code, prefix + issue.text, at: position, id: issue.id)
                }
            }, emit: { record in
                checkSignal()
                stage.output.writeRecord(record)
            })
        } catch {
            stage.reject(keptDeadLetter ? nil : deadLetter, at: position, error.code, prefix + error.message)
        }
    }

    private func checkSignal() {
        let signal = cs_stop_signal()
        if signal != 0 { stage.interrupted(signal) }
    }

    private func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        !bytes.contains(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0D) })
    }
}
