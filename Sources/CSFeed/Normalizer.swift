#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore
import CSPosix

/// cs-normalize's input loop. Each input (a file, or "-" for stdin) is one of:
/// - a feed document (RSS, Atom, JSON Feed), read as a stream: records leave while it is read;
/// - NDJSON lines, each a `cs.fetch/1` envelope (`cs-fetch --raw`: the body is parsed with the envelope's
///   URL as base and its HTTP charset) or an already-normalized `cs.advisory/1` record (validated and
///   written out byte for byte).
/// What an input is comes from its first line, not its name.
public final class Normalizer {
    let stage: Stage
    private let scanner = RecordScanner()
    /// Whole documents may be much longer than an NDJSON line. For a JSON Feed, which streams, the limit
    /// is on what must be held at once (one item or member).
    public var maxDocumentBytes = 1 << 30
    /// The URL the documents read from files and stdin came from (`--base-url`): the base for their relative
    /// links, as a fetch URL is. A `cs.fetch/1` envelope names its own URL, which wins.
    public var baseURL: String?

    public init(stage: Stage) { self.stage = stage }

    /// Has a scheme (`https:`): what `--base-url` must be to make links absolute.
    public static func isAbsoluteURL(_ s: String) -> Bool { URLResolver.isAbsolute(s.trimmingSpaces) }

    /// cs-normalize's contract for `--describe`.
    public static let description = StageDescription(
        name: "cs-normalize",
        summary: "Feed documents, fetch envelopes and advisory records into cs.advisory/1 records.",
        inputs: ["rss-0.9x", "rss-1.0", "rss-2.0", "atom-0.3", "atom-1.0", "cdf", "json-feed-1.0", "json-feed-1.1",
                 "cs.fetch/1", CSVersion.schema],
        output: CSVersion.schema,
        examples: ["cs-normalize feed.xml feed.json > advisories.ndjson",
                   "cs-fetch --raw https://example.org/feed.xml | cs-normalize"])

    public func run(inputs: [String]) {
        for input in inputs.isEmpty ? ["-"] : inputs {
            guard input != "-" else { normalize(input); continue }
            switch DirectoryInputs.list(input) {
            case .notADirectory:
                normalize(input)
            case .files(let files):
                if files.isEmpty { stage.diagnostics.warning(.invalidArgument, "directory with no feed files in it", at: Position(input: input)) }
                for file in files { normalize(file) }
            case .failed(let e):
                stage.reject(nil, at: Position(input: input), e == EACCES ? .permissionDenied : .dataLoss,
                             "cannot read the directory: \(String(cString: strerror(e)))")
            }
        }
    }

    private func normalize(_ input: String) {
        guard let fd = stage.openInput(input) else { return }
        normalize(fd: fd, input: input)
        if fd != 0 { close(fd) }
    }

    private func normalize(fd: Int32, input: String) {
        let reader = InputReader(fd: fd)
        let position = Position(input: input)
        // A file's path identifies its feed in `uid` when the document names nothing about itself.
        let fileSource = FeedSource(url: baseURL, path: input == "-" ? nil : input)
        // Read only as far as the first meaningful byte: a slow producer's first record must not wait.
        var firstByte: UInt8?
        while firstByte == nil {
            if let problem = reader.fill(atLeast: reader.buffered.count + 1) { fail(problem, at: position); return }
            firstByte = reader.buffered.first(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) })
            if firstByte == nil && reader.eof {
                // Nothing to do, nothing wrong; but an empty file named on the command line is worth a word.
                if input != "-" { stage.diagnostics.warning(.invalidArgument, "empty input: no feed in it", at: position) }
                return
            }
        }
        guard var firstByte else { return }
        if firstByte == 0xEF {
            // A UTF-8 byte-order mark: what follows it says whether this is a JSON Feed or XML.
            if let problem = reader.fill(atLeast: 512) { fail(problem, at: position); return }
            let rest = reader.buffered.dropFirst(3)
            if reader.buffered.starts(with: [0xEF, 0xBB, 0xBF]),
               rest.first(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }) == UInt8(ascii: "{") {
                firstByte = UInt8(ascii: "{")
            }
        }
        let startsLikeXML = firstByte == UInt8(ascii: "<") || firstByte == 0xEF || firstByte == 0xFE || firstByte == 0xFF
            || firstByte == 0 || reader.buffered.prefix(2).contains(0)
        if startsLikeXML {
            // Enough of the start to see the byte-order mark and the XML declaration.
            if let problem = reader.fill(atLeast: 512) { fail(problem, at: position); return }
            // XML streams through libxml2 as it is read: records leave before the document ends.
            let prefix = reader.takeBuffered()
            parse(at: position, deadLetter: nil, label: nil) { report, emit throws(FeedError) in
                try XMLFeedReader.parse(descriptor: fd, prefix: prefix, source: fileSource, report: report, emit: emit)
            }
            return
        }
        if firstByte == UInt8(ascii: "{"), let problem = sniffJSONFeed(reader) { fail(problem, at: position); return }
        if firstByte == UInt8(ascii: "{"), !startsLikeJSONFeed(reader.buffered.starts(with: [0xEF, 0xBB, 0xBF]) ? reader.buffered.dropFirst(3) : reader.buffered),
           let first = reader.peekFirstLine(limit: stage.maxLineBytes), first.withUnsafeBufferPointer({ isRecordLine($0) }) {
            var done = false
            while !done {
                reader.nextLine(maxBytes: stage.maxLineBytes) { next in
                    switch next {
                    case .line(let bytes, let number):
                        if !isBlank(bytes) { handleLine(bytes, number: number, input: input) }
                    case .tooLong(let number):
                        stage.reject(nil, at: Position(input: input, line: number), .resourceExhausted,
                                     "line longer than \(stage.maxLineBytes) bytes (raise --max-line); skipped, too long to hold")
                    case .end:
                        done = true
                    case .failed, .interrupted:
                        fail(next, at: position)
                        done = true
                    }
                }
                checkSignal()
            }
            return
        }
        if firstByte == UInt8(ascii: "{") {
            // A JSON Feed streams as it is read: records leave before the document ends.
            let prefix = reader.takeBuffered()
            parse(at: position, deadLetter: nil, label: nil) { report, emit throws(FeedError) in
                try JSONFeedReader.parse(descriptor: fd, prefix: prefix, source: fileSource, maxValueBytes: maxDocumentBytes,
                                         report: report, emit: emit)
            }
            return
        }
        // Something that is no feed at all: read whole for FeedParser to say so.
        let (bytes, problem) = reader.readAll(limit: maxDocumentBytes)
        if let problem { fail(problem, at: position); return }
        guard let bytes else { return }
        parseDocument(bytes, source: fileSource, input: input, line: nil, deadLetter: nil)
    }

    /// The root member names a JSON Feed starts with; cs records and envelopes start with none of them.
    private static let jsonFeedNames: Set<String> = [
        "version", "title", "home_page_url", "feed_url", "description", "user_comment", "next_url", "icon",
        "favicon", "language", "expired", "hubs", "items", "author", "authors",
    ]

    /// Reads until the first member name of the root object is buffered (or 4 KiB, or the end): a
    /// one-line JSON Feed must not be read whole just to see that it is not an NDJSON line.
    private func sniffJSONFeed(_ reader: InputReader) -> InputReader.Next? {
        while firstMemberName(reader.buffered) == nil, reader.buffered.count < 4096, !reader.eof {
            if let problem = reader.fill(atLeast: reader.buffered.count + 1) { return problem }
        }
        return nil
    }

    private func startsLikeJSONFeed(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let name = firstMemberName(bytes) else { return false }
        return Self.jsonFeedNames.contains(name)
    }

    /// The first member name of the object `bytes` start with, when it is complete and has no escapes.
    private func firstMemberName(_ bytes: ArraySlice<UInt8>) -> String? {
        var i = bytes.startIndex
        func skipSpace() { while i < bytes.endIndex, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 } }
        skipSpace()
        guard i < bytes.endIndex, bytes[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        skipSpace()
        guard i < bytes.endIndex, bytes[i] == UInt8(ascii: "\"") else { return nil }
        let start = i + 1
        guard let end = bytes[start...].firstIndex(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }),
              bytes[end] == UInt8(ascii: "\"") else { return nil }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private func fail(_ problem: InputReader.Next, at position: Position) {
        switch problem {
        case .interrupted(let signal): stage.interrupted(signal)
        case .failed(let e): stage.reject(nil, at: position, .dataLoss, "read failed: \(String(cString: strerror(e)))")
        case .tooLong: stage.reject(nil, at: position, .resourceExhausted, "document larger than \(maxDocumentBytes) bytes; skipped")
        case .line, .end: break
        }
    }

    /// An NDJSON line that cs understands: a JSON object with a `schema`, or an envelope with a `body`.
    private func isRecordLine(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.first(where: { !($0 == 0x20 || $0 == 0x09) }) == UInt8(ascii: "{") else { return false }
        guard (try? scanner.scan(bytes)) != nil else { return false }
        if let schema = scanner.value("schema")?.string, schema.hasPrefix("cs.") { return true }
        return scanner.value("body") != nil && scanner.value("url") != nil
    }

    private func handleLine(_ bytes: UnsafeBufferPointer<UInt8>, number: Int, input: String) {
        let position = Position(input: input, line: number)
        do { try scanner.scan(bytes) } catch {
            stage.reject(bytes, at: position, .invalidArgument, "not a JSON object: \(error.description)")
            return
        }
        let schema = scanner.value("schema")?.string
        if schema == CSVersion.schema {
            if let problem = AdvisoryValidator.problem(in: scanner) {
                stage.reject(bytes, at: position, .invalidArgument, "invalid \(CSVersion.schema) record: \(problem)",
                             id: scanner.value("id")?.string)
            } else {
                stage.output.writeRecord(bytes)
            }
            return
        }
        if schema == nil || schema == FetchEnvelope.schema, scanner.value(FetchEnvelope.Field.body) != nil {
            handleEnvelope(bytes, position: position)
            return
        }
        stage.reject(bytes, at: position, .invalidArgument,
                     "neither a \(CSVersion.schema) record nor a \(FetchEnvelope.schema) envelope"
                     + (schema.map { " (schema \"\($0)\")" } ?? ""))
    }

    private func handleEnvelope(_ bytes: UnsafeBufferPointer<UInt8>, position: Position) {
        let envelope: FetchEnvelope
        do { envelope = try FetchEnvelope(line: bytes) } catch {
            stage.reject(bytes, at: position, error.code, error.message)
            return
        }
        if let status = envelope.status, !(200..<300).contains(status) {
            if status == 304 { return }   // not modified: nothing new, nothing wrong
            stage.reject(bytes, at: position, .unavailable, "\(envelope.url): HTTP status \(status); no feed to parse")
            return
        }
        parseDocument(envelope.body, source: envelope.source, input: position.input ?? "-", line: position.line,
                      deadLetter: bytes, label: envelope.url)
    }

    private func parseDocument(_ document: [UInt8], source: FeedSource, input: String, line: Int?,
                               deadLetter: UnsafeBufferPointer<UInt8>?, label: String? = nil) {
        parse(at: Position(input: input, line: line), deadLetter: deadLetter, label: label) { report, emit throws(FeedError) in
            try FeedParser.parse(document, source: source, report: report, emit: emit)
        }
    }

    /// Runs one parse, turning its issues into diagnostics (errors are counted in the exit status, and the
    /// envelope they came from is kept once in the dead-letter file) and its records into output lines.
    private func parse(at position: Position, deadLetter: UnsafeBufferPointer<UInt8>?, label: String?,
                       _ body: ((FeedIssue) -> Void, (AdvisoryRecord) -> Void) throws(FeedError) -> Void) {
        let prefix = label.map { "\($0): " } ?? ""
        var keptDeadLetter = false
        let report: (FeedIssue) -> Void = { issue in
            if issue.level == .error {
                self.checkSignal()   // an error that a stop signal caused (a read cut short) is no rejection
                self.stage.reject(keptDeadLetter ? nil : deadLetter, at: position, issue.code, prefix + issue.text, id: issue.id)
                keptDeadLetter = true
            } else {
                self.stage.diagnostics.emit(issue.level, issue.code, prefix + issue.text, at: position, id: issue.id)
            }
        }
        do {
            try body(report) { record in
                self.checkSignal()
                self.stage.output.writeRecord(record.bytes)
            }
        } catch {
            checkSignal()   // a read that a stop signal ended: the stage stops, nothing is rejected
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
