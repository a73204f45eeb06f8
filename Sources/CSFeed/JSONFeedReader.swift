import CSCore

/// JSON Feed 1.0 and 1.1 (https://jsonfeed.org), with CraftedSignal's `_cs_*` item fields.
/// The document is parsed whole by jansson; each item becomes a record and is emitted at once.
enum JSONFeedReader {
    static func parse(_ document: UnsafeRawBufferPointer, source: FeedSource,
                      report: (FeedIssue) -> Void, emit: (AdvisoryRecord) -> Void) throws(FeedError) {
        var body = document
        if body.count >= 3, body[0] == 0xEF, body[1] == 0xBB, body[2] == 0xBF {
            body = UnsafeRawBufferPointer(rebasing: body[3...])
        }
        let parsed: Result<JSON, JSONParseError>
        if let fixed = UTF8Repair.repaired(body) {
            report(FeedIssue(level: .warning, code: .dataLoss,
                             message: "\(fixed.replaced) invalid UTF-8 byte\(fixed.replaced == 1 ? "" : "s") replaced by U+FFFD"))
            parsed = fixed.bytes.withUnsafeBytes { b in Result { () throws(JSONParseError) in try JSON.parse(b) } }
        } else {
            parsed = Result { () throws(JSONParseError) in try JSON.parse(body) }
        }
        let root: JSON
        switch parsed {
        case .success(let value): root = value
        case .failure(let error): throw FeedError(.invalidArgument, "invalid JSON: \(error.description)")
        }
        guard root.kind == .object else { throw FeedError(.invalidArgument, "not a JSON Feed: the document is not an object") }

        let version = root["version"]?.stringValue
        let format: String
        switch version {
        case let v? where v.hasPrefix("https://jsonfeed.org/version/1.1") || v.hasPrefix("http://jsonfeed.org/version/1.1"):
            format = "json-feed-1.1"
        case let v? where v.hasPrefix("https://jsonfeed.org/version/1") || v.hasPrefix("http://jsonfeed.org/version/1"):
            format = "json-feed-1.0"
        case "1", "1.0":
            format = "json-feed-1.0"   // the bare number, as some generators write it
        case "1.1":
            format = "json-feed-1.1"
        default:
            guard root["items"]?.kind == .array else {
                throw FeedError(.invalidArgument, "not a JSON Feed: no \"version\" of jsonfeed.org and no \"items\" array")
            }
            format = "json-feed-1.1"
            report(FeedIssue(level: .warning, code: .invalidArgument,
                             message: "JSON Feed without a jsonfeed.org \"version\" (\(version ?? "none")); read as 1.1"))
        }

        let feed = FeedContext(format: format, source: source)
        feed.feedTitle = root["title"]?.stringValue
        feed.feedURL = root["feed_url"]?.stringValue
        feed.homePageURL = root["home_page_url"]?.stringValue
        feed.authors = authors(root)
        let base = feed.feedURL ?? source.url
        let snapshot = feed.snapshot()

        guard let items = root["items"], items.kind == .array else {
            if root["items"] == nil { return }   // a feed with no items is valid, if unusual
            throw FeedError(.invalidArgument, "JSON Feed \"items\" is not an array")
        }
        // Records are built on two threads when there are two cores; they leave in order either way.
        try RecordPipeline.with(report: report, emit: emit) { (pipeline) throws(FeedError) in
            for (n, item) in items.elements.enumerated() {
                guard item.kind == .object else {
                    let issue = FeedIssue(level: .error, code: .invalidArgument, message: "item is not an object; skipped", item: n + 1)
                    if let pipeline { pipeline.submit(.issue(issue)) } else { report(issue) }
                    continue
                }
                if let pipeline {
                    let d = draft(item, index: n + 1, base: base, report: { pipeline.submit(.issue($0)) })
                    pipeline.add(d, feed: snapshot, parser: feed.htmlParser)
                } else {
                    emit(draft(item, index: n + 1, base: base, report: report).record(in: snapshot, parser: feed.htmlParser, report: report))
                }
            }
        }
    }

    private static func draft(_ item: JSON, index: Int, base: String?, report: (FeedIssue) -> Void) -> AdvisoryDraft {
        var d = AdvisoryDraft(index: index)
        d.baseURL = base
        var authorsSeen = false
        for (key, value) in item.members {
            switch key {
            case "id":
                // The spec says string; numbers occur in the wild and are the same identity.
                if let s = value.stringValue { d.id = s }
                else if let n = value.intValue { d.id = String(n) }
                else if let x = value.doubleValue { d.id = String(x) }
            case "url": d.url = value.stringValue.map { URLResolver.resolve($0, against: base) }
            case "title": d.title = value.stringValue
            case "summary": d.summary = value.stringValue
            case "content_html": d.contentHTML = value.stringValue
            case "content_text": d.contentText = value.stringValue
            case "date_published": d.published = value.stringValue.map { ("date_published", $0) }
            case "date_modified": d.modified = value.stringValue.map { ("date_modified", $0) }
            case "authors", "author":
                if !authorsSeen { d.authors = authors(item); authorsSeen = true }
            case "tags", "_cs_tags": d.tags += value.stringElements
            case "_cs_severities", "_cs_severity": d.severities += value.stringElements
            case "_cs_type": d.type = value.stringValue
            case "_cs_actors": d.actors = value.stringElements
            case "_cs_cves": d.cves = value.stringElements
            case "_cs_vendors": d.vendors = value.stringElements
            case "_cs_products": d.products = value.stringElements
            case "_cs_exploited":
                if let b = value.boolValue { d.exploited = b }
                else if value.kind != .null {
                    report(FeedIssue(level: .warning, code: .invalidArgument,
                                     message: "_cs_exploited is not a boolean; kept under extensions", item: index))
                    d.extensions.set(key, value)
                }
            default:
                d.extensions.set(key, value)
            }
        }
        // content_text only counts when there is no HTML to derive it from.
        if d.contentHTML != nil { d.contentText = nil }
        return d
    }

    /// JSON Feed 1.1 `authors`, or 1.0's single `author`.
    private static func authors(_ o: JSON) -> [Author] {
        let list = o["authors"].map(\.elements) ?? o["author"].map { [$0] } ?? []
        return list.compactMap { a in
            guard a.kind == .object else { return nil }
            let author = Author(name: a["name"]?.stringValue, email: nil, url: a["url"]?.stringValue)
            return author.isEmpty ? nil : author
        }
    }
}
