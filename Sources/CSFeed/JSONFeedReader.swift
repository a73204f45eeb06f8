#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// JSON Feed 1.0 and 1.1 (https://jsonfeed.org), with CraftedSignal's `_cs_*` item fields.
///
/// The document streams: each element of `items` is found by a structural scan, validated, mapped
/// into a draft and handed to the record pipeline while the rest is still being read, so the first
/// record leaves before the document ends and memory follows the largest item, not the document.
///
/// The feed-level members (version, title, feed_url, home_page_url, authors) must be known before the
/// first record is built. A document in memory or in a regular file is surveyed first (a quick pass
/// over its structure that reads only the root members), so members after `items` count just as
/// before, and a repeated member keeps its last value, as jansson keeps it. A pipe cannot be read twice:
/// when `version` comes before `items` (the spec's order), items stream with what was read so far, and
/// a feed-level member after them is reported; otherwise (sorted keys put `version` last) the items are
/// kept and built at the end.
enum JSONFeedReader {
    /// The feed-level members that records depend on.
    static let feedMembers: Set<String> = ["version", "title", "feed_url", "home_page_url", "authors", "author"]

    static func parse(_ document: UnsafeRawBufferPointer, source: FeedSource,
                      report: (FeedIssue) -> Void, emit: (AdvisoryRecord) -> Void) throws(FeedError) {
        try read(JSONFeedInput(memory: document), source: source, maxValueBytes: Int.max, report: report, emit: emit)
    }

    /// A document on a descriptor, of which `prefix` was already read; one value (an item) may span
    /// at most `maxValueBytes`.
    static func parse(descriptor fd: Int32, prefix: [UInt8], source: FeedSource, maxValueBytes: Int,
                      report: (FeedIssue) -> Void, emit: (AdvisoryRecord) -> Void) throws(FeedError) {
        try read(JSONFeedInput(descriptor: fd, prefix: prefix), source: source, maxValueBytes: maxValueBytes,
                 report: report, emit: emit)
    }

    /// A document in memory read as if it came through a pipe, `chunk` bytes at a time: no survey, the
    /// pipe's rules for late feed-level members. For tests and the fuzz target (FeedParser.parseJSONFeedStream).
    static func parse(chunks document: UnsafeRawBufferPointer, chunk: Int, source: FeedSource,
                      report: (FeedIssue) -> Void, emit: (AdvisoryRecord) -> Void) throws(FeedError) {
        try read(JSONFeedInput(chunks: document, chunk: chunk), source: source, maxValueBytes: Int.max, report: report, emit: emit)
    }

    private static func read(_ input: JSONFeedInput, source: FeedSource, maxValueBytes: Int,
                             report: (FeedIssue) -> Void, emit: (AdvisoryRecord) -> Void) throws(FeedError) {
        let walker = JSONFeedWalker(input, maxValueBytes: maxValueBytes)
        var survey: JSONFeedSurvey?
        if input.canReadAgain {
            survey = JSONFeedSurvey.run(walker, validating: false)
            if survey!.lateMembers || survey!.itemsMembers > 1 {
                // What follows items counts only when the items before it are JSON (a skim alone can take a
                // broken item's text for more members): read again, checking them.
                guard input.restart() else { throw FeedError(.dataLoss, "the document could not be read again after its survey") }
                survey = JSONFeedSurvey.run(walker, validating: true)
            }
            // Reported first, as when the document was repaired whole before parsing.
            if input.replacedBytes > 0 {
                report(FeedIssue(level: .warning, code: .dataLoss, message: replacedMessage(input.replacedBytes)))
            }
            guard input.restart() else { throw FeedError(.dataLoss, "the document could not be read again after its survey") }
        }
        let run = JSONFeedRun(source: source, survey: survey, walker: walker)
        var broken: JSONFeedBreak?
        // Records are built on two threads when there are two cores; they leave in order either way.
        try RecordPipeline.with(report: report, emit: emit) { pipeline in
            do throws(JSONFeedBreak) {
                try run.walk(pipeline: pipeline, report: report, emit: emit)
            } catch {
                broken = error
            }
            run.buildKept(pipeline: pipeline, report: report, emit: emit)
        }
        if survey == nil, input.replacedBytes > 0 {
            report(FeedIssue(level: .warning, code: .dataLoss, message: replacedMessage(input.replacedBytes)))
        }
        if let broken {
            let (code, text) = describe(broken, input: input)
            // Nothing came of it: a document that is not JSON is no feed we can use, as when it was parsed
            // whole; one that ends early is a feed that lost its rest (DATA_LOSS, like a later break).
            guard run.emitted > 0 else {
                switch broken {
                case .truncated: throw FeedError(.dataLoss, "\(text); no item before the break")
                case .invalid: throw FeedError(.invalidArgument, "invalid JSON: \(text)")
                case .tooLarge, .readFailed: throw FeedError(code, text)
                }
            }
            let n = run.emitted
            report(FeedIssue(level: .error, code: code,
                             message: "\(text); \(n) item\(n == 1 ? "" : "s") before it emitted"))
            return
        }
        try run.finish()
    }

    private static func replacedMessage(_ n: Int) -> String {
        "\(n) invalid UTF-8 byte\(n == 1 ? "" : "s") replaced by U+FFFD"
    }

    private static func describe(_ b: JSONFeedBreak, input: JSONFeedInput) -> (StatusCode, String) {
        func at(_ offset: Int) -> String {
            let (line, column) = input.lineAndColumn(offset)
            return "line \(line), column \(column) (byte \(offset))"
        }
        switch b {
        case .truncated(let offset): return (.dataLoss, "document broken off at \(at(offset))")
        case .invalid(let message, let offset): return (.dataLoss, "\(message) at \(at(offset))")
        case .tooLarge(let offset, let limit):
            return (.resourceExhausted, "more than \(limit) bytes to hold at once (one value, or the items a pipe keeps until a late version) at \(at(offset))")
        case .readFailed(let e): return (.dataLoss, "read failed: \(String(cString: strerror(e)))")
        }
    }
}

/// What a survey of the whole document found: the root members records depend on, with their last
/// values, and how many `items` members there are (jansson keeps the last).
struct JSONFeedSurvey {
    let root: JSON
    var itemsMembers = 0
    /// A feed-level member came after an items array.
    var lateMembers = false

    /// Without `validating`, item elements are only skimmed for their extent; with it they are checked,
    /// so that the survey stops where the reading pass will (members after a broken item do not count).
    static func run(_ walker: JSONFeedWalker, validating: Bool) -> JSONFeedSurvey {
        var survey = JSONFeedSurvey(root: .object())
        do {
            try walker.walk(member: { (key, value) throws(JSONFeedBreak) in
                if key == "items" { survey.itemsMembers += 1 }
                if JSONFeedReader.feedMembers.contains(key) || key == "items" { survey.root.set(key, JSONFeedItem.tree(value)) }
                if survey.itemsMembers > 0, JSONFeedReader.feedMembers.contains(key) { survey.lateMembers = true }
            }, itemsStart: { (_) throws(JSONFeedBreak) in
                survey.itemsMembers += 1
                survey.root.set("items", .array())
                return validating ? .elements : .skip
            }, element: { (bytes, offset) throws(JSONFeedBreak) in
                do throws(RecordScanner.ScanError) { _ = try JSONRef.validated(bytes) } catch {
                    throw JSONFeedBreak.invalid(error.message, at: offset + error.column - 1)
                }
            }, itemsEnd: {})
        } catch {
            // A broken document: what was read before the break is what there is. The reading pass
            // finds the same break and reports it.
        }
        return survey
    }
}

extension FeedParser {
    /// A JSON Feed document in memory read the way cs-normalize reads one from a pipe: `chunk` bytes at a
    /// time, never twice. Its records equal `parse`'s unless an issue says the stream could not be read
    /// twice (feed-level members after the items, several items arrays). For tests and fuzzing.
    public static func parseJSONFeedStream(_ document: UnsafeRawBufferPointer, chunk: Int, source: FeedSource,
                                           report: (FeedIssue) -> Void, emit: (AdvisoryRecord) -> Void) throws(FeedError) {
        try JSONFeedReader.parse(chunks: document, chunk: chunk, source: source, report: report, emit: emit)
    }
}
