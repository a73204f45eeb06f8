import CSCore

/// The reading pass over one JSON Feed document: root members into the feed context, items into drafts
/// for the record pipeline (or kept, when the feed-level members may still follow on a pipe).
final class JSONFeedRun {
    private let source: FeedSource
    private let survey: JSONFeedSurvey?
    private let walker: JSONFeedWalker
    /// The root's feed-level members as read so far (or as the survey found them, final).
    private let root: JSON

    /// Fixed when the first item is built: what every record of the document carries.
    private struct Context {
        let feed: FeedContext
        let snapshot: FeedSnapshot
        let base: String?
    }
    private var context: Context?

    private enum Mode { case stream, keep, skip }
    private var mode = Mode.stream
    private enum Kept {
        case item([UInt8], index: Int)
        case notObject(index: Int)
    }
    /// Items waiting for the end of the document (a pipe whose feed-level members come late).
    private var kept: [Kept] = []
    private var keptBytes = 0
    private var itemsMembers = 0
    private var lastItemsIsArray = false

    /// Items handed on to be built and emitted.
    private(set) var emitted = 0

    init(source: FeedSource, survey: JSONFeedSurvey?, walker: JSONFeedWalker) {
        self.source = source
        self.survey = survey
        self.walker = walker
        root = survey?.root ?? .object()
    }

    func walk(pipeline: RecordPipeline?, report: (FeedIssue) -> Void, emit: (AdvisoryRecord) -> Void) throws(JSONFeedBreak) {
        func issue(_ i: FeedIssue) { if let pipeline { pipeline.submit(.issue(i)) } else { report(i) } }
        var index = 0
        try walker.walk(member: { (key, value) throws(JSONFeedBreak) in
            if key == "items" {
                itemsMembers += 1
                lastItemsIsArray = false
                if survey == nil, itemsMembers > 1 { issue(repeatedItems) }
            }
            guard survey == nil, JSONFeedReader.feedMembers.contains(key) || key == "items" else { return }
            if context != nil, JSONFeedReader.feedMembers.contains(key) {
                issue(FeedIssue(level: .warning, code: .invalidArgument,
                                message: "feed-level \"\(key)\" after \"items\" in a stream that cannot be read twice: the \(emitted) item\(emitted == 1 ? "" : "s") before it were read without it"))
            }
            root.set(key, JSONFeedItem.tree(value))
        }, itemsStart: { (_) throws(JSONFeedBreak) in
            itemsMembers += 1
            lastItemsIsArray = true
            index = 0
            if let survey {
                // jansson keeps the last of repeated members: earlier arrays are only checked.
                mode = itemsMembers < survey.itemsMembers ? .skip : .stream
            } else {
                if itemsMembers > 1 { issue(repeatedItems) }
                root.set("items", .array())
                if context == nil, mode != .keep {
                    // The spec's order puts version first (sorted keys put it last): with it before items,
                    // what follows the items is taken not to matter.
                    mode = root["version"] != nil ? .stream : .keep
                }
            }
            if mode == .stream && context == nil { context = makeContext(issue: issue) }
            return .elements
        }, element: { (bytes, offset) throws(JSONFeedBreak) in
            index += 1
            let item: JSONRef
            do throws(RecordScanner.ScanError) { item = try JSONRef.validated(bytes) } catch {
                throw JSONFeedBreak.invalid(JSONFeedWalker.wording(error.message), at: offset + error.column - 1)
            }
            switch mode {
            case .skip:
                return
            case .keep:
                keptBytes += bytes.count
                if keptBytes > walker.maxValueBytes { throw JSONFeedBreak.tooLarge(at: offset, limit: walker.maxValueBytes) }
                kept.append(item.isObject ? .item(Array(bytes), index: index) : .notObject(index: index))
            case .stream:
                guard item.isObject else {
                    issue(FeedIssue(level: .error, code: .invalidArgument, message: "item is not an object; skipped", item: index))
                    return
                }
                build(item, index: index, pipeline: pipeline, report: report, emit: emit)
            }
        }, itemsEnd: {})
    }

    /// jansson keeps the last of repeated members; a pipe has handed on the items of each array already.
    private let repeatedItems = FeedIssue(level: .warning, code: .invalidArgument,
                                          message: "more than one \"items\" member in a stream that cannot be read twice; the items of every array are read")

    /// Builds the items kept for the end (a pipe with the feed-level members after them).
    func buildKept(pipeline: RecordPipeline?, report: (FeedIssue) -> Void, emit: (AdvisoryRecord) -> Void) {
        guard mode == .keep else { return }
        func issue(_ i: FeedIssue) { if let pipeline { pipeline.submit(.issue(i)) } else { report(i) } }
        if context == nil { context = makeContext(issue: issue) }
        for k in kept {
            switch k {
            case .notObject(let index):
                issue(FeedIssue(level: .error, code: .invalidArgument, message: "item is not an object; skipped", item: index))
            case .item(let bytes, let index):
                bytes.withUnsafeBufferPointer { b in
                    guard let item = try? JSONRef.validated(b) else { return }
                    build(item, index: index, pipeline: pipeline, report: report, emit: emit)
                }
            }
        }
        kept = []
    }

    /// After a complete walk: a document whose last `items` was no array is no feed, or a broken one.
    func finish() throws(FeedError) {
        if lastItemsIsArray { return }
        guard JSONFeedReader.format(root["version"]?.stringValue) != nil else {
            throw FeedError(.invalidArgument, "not a JSON Feed: no \"version\" of jsonfeed.org and no \"items\" array")
        }
        if root["items"] == nil && itemsMembers == 0 { return }   // a feed with no items is valid, if unusual
        throw FeedError(.invalidArgument, "JSON Feed \"items\" is not an array")
    }

    private func build(_ item: JSONRef, index: Int, pipeline: RecordPipeline?, report: (FeedIssue) -> Void, emit: (AdvisoryRecord) -> Void) {
        let c = context!
        if let pipeline {
            let d = JSONFeedItem.draft(item, index: index, base: c.base, report: { pipeline.submit(.issue($0)) })
            pipeline.add(d, feed: c.snapshot, parser: c.feed.htmlParser)
        } else {
            emit(JSONFeedItem.draft(item, index: index, base: c.base, report: report)
                .record(in: c.snapshot, parser: c.feed.htmlParser, report: report))
        }
        emitted += 1
    }

    private func makeContext(issue: (FeedIssue) -> Void) -> Context {
        let version = root["version"]?.stringValue
        let format: String
        if let known = JSONFeedReader.format(version) {
            format = known
        } else {
            format = "json-feed-1.1"
            issue(FeedIssue(level: .warning, code: .invalidArgument,
                            message: "JSON Feed without a jsonfeed.org \"version\" (\(version ?? "none")); read as 1.1"))
        }
        let feed = FeedContext(format: format, source: source)
        feed.feedTitle = root["title"]?.stringValue
        // The feed's own URLs may be relative to where the document came from.
        feed.feedURL = root["feed_url"]?.stringValue.map { URLResolver.resolve($0, against: source.url) }
        feed.homePageURL = root["home_page_url"]?.stringValue.map { URLResolver.resolve($0, against: source.url) }
        // JSON Feed has no xml:base: item links are read against the site, else the feed, else the document URL.
        let base = feed.homePageURL ?? feed.feedURL ?? source.url
        feed.authors = JSONFeedReader.authors(root, base: base)
        return Context(feed: feed, snapshot: feed.snapshot(), base: base)
    }
}

extension JSONFeedReader {
    /// The record format a `version` names, or nil when it names none.
    static func format(_ version: String?) -> String? {
        switch version {
        case let v? where v.hasPrefix("https://jsonfeed.org/version/1.1") || v.hasPrefix("http://jsonfeed.org/version/1.1"):
            return "json-feed-1.1"
        case let v? where v.hasPrefix("https://jsonfeed.org/version/1") || v.hasPrefix("http://jsonfeed.org/version/1"):
            return "json-feed-1.0"
        case "1", "1.0":
            return "json-feed-1.0"   // the bare number, as some generators write it
        case "1.1":
            return "json-feed-1.1"
        default:
            return nil
        }
    }

    /// JSON Feed 1.1 `authors`, or 1.0's single `author`, of the feed.
    static func authors(_ o: JSON, base: String?) -> [Author] {
        let members = o["authors"].map { $0.kind == .object ? [$0] : $0.elements } ?? []
        let list = members.contains { $0.kind == .object } ? members : o["author"].map { [$0] } ?? members
        return list.compactMap { a in
            guard a.kind == .object else { return nil }
            return JSONFeedAuthor.make(name: a["name"]?.stringValue, url: a["url"]?.stringValue, base: base)
        }
    }
}
