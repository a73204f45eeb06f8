#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// One JSON Feed item, validated but not parsed into a tree, mapped into a draft. Its members are read
/// as jansson would present them: a name that repeats counts once, at its first place, with its last
/// value. Only members the schema does not model are parsed by jansson, to go under `extensions`.
enum JSONFeedItem {
    private struct Member {
        var nameStart: UnsafePointer<UInt8>
        var nameEnd: UnsafePointer<UInt8>
        var nameHasEscape: Bool
        var value: JSONRef

        func hasName(of other: Member) -> Bool {
            if !nameHasEscape && !other.nameHasEscape {
                return nameEnd - nameStart == other.nameEnd - other.nameStart
                    && memcmp(nameStart, other.nameStart, nameEnd - nameStart) == 0
            }
            return name == other.name
        }

        var name: String { JSONRef.memberName(nameStart, nameEnd, hasEscape: nameHasEscape) }
    }

    static func draft(_ item: JSONRef, index: Int, base: String?, report: (FeedIssue) -> Void) -> AdvisoryDraft {
        var members: [Member] = []
        members.reserveCapacity(16)
        // Items have a dozen members: a linear search finds repeats. Past that (a hostile item with
        // thousands), an index keeps it linear.
        var byName: [String: Int]?
        item.forEachMember { start, end, escaped, value in
            let m = Member(nameStart: start, nameEnd: end, nameHasEscape: escaped, value: value)
            if members.count == 32 {
                byName = Dictionary(members.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
            }
            if byName != nil {
                let name = m.name
                if let k = byName![name] { members[k].value = value } else { byName![name] = members.count; members.append(m) }
            } else if let k = members.firstIndex(where: { $0.hasName(of: m) }) {
                members[k].value = value
            } else {
                members.append(m)
            }
            return true
        }
        func member(_ name: String) -> JSONRef? { members.first { $0.name == name }?.value }   // authors only

        var d = AdvisoryDraft(index: index)
        d.baseURL = base
        var authorsSeen = false
        for m in members {
            let key = m.name
            let value = m.value
            switch key {
            case "id":
                // The spec says string; numbers occur in the wild and are the same identity (as jansson reads them).
                if let s = value.string { d.id = s }
                else if value.isIntegerNumber, let n = Int(String(decoding: value.bytes, as: UTF8.self)) { d.id = String(n) }
                else if let x = value.number { d.id = String(x) }
            case "url": d.url = value.string.map { URLResolver.resolve($0, against: base) }
            case "external_url" where value.string.map({ !URLResolver.isAbsolute($0) }) == true:
                // Kept under extensions like any unmodelled member, but absolute, as `url` is.
                d.extensions.set(key, .string(URLResolver.resolve(value.string!, against: base)))
            case "attachments":
                // Kept under extensions as written, but each attachment's url absolute, as `url` is.
                let attachments = tree(value)
                for a in attachments.kind == .array ? attachments.elements : [] where a.kind == .object {
                    guard let written = a["url"]?.stringValue, !URLResolver.isAbsolute(written.trimmingSpaces) else { continue }
                    let resolved = URLResolver.resolve(written, against: base)
                    if resolved != written.trimmingSpaces { a.set("url", .string(resolved)) }
                }
                d.extensions.set(key, attachments)
            case "title": d.title = value.string
            case "summary": d.summary = value.string
            case "content_html": d.contentHTML = value.string
            case "content_text": d.contentText = value.string
            case "date_published": d.published = value.string.map { ("date_published", $0) }
            case "date_modified": d.modified = value.string.map { ("date_modified", $0) }
            case "authors", "author":
                if !authorsSeen {
                    authorsSeen = true
                    if let chosen = JSONFeedAuthor.chosen(list: member("authors"), single: member("author")) {
                        d.authors = authors(chosen, base: base)
                        if JSONFeedAuthor.hasUnmodelledMembers(chosen) {
                            d.extensions.set(chosen.start == member("authors")?.start ? "authors" : "author", tree(chosen))
                        }
                    }
                }
            case "tags", "_cs_tags": d.tags += value.strings
            case "_cs_severities", "_cs_severity": d.severities += value.strings
            case "_cs_type": d.type = value.string
            case "_cs_actors": d.actors = value.strings
            case "_cs_cves": d.cves = value.strings
            case "_cs_vendors": d.vendors = value.strings
            case "_cs_products": d.products = value.strings
            case "_cs_exploited":
                if value.isTrue || value.isFalse { d.exploited = value.isTrue }
                else if !value.isNull {
                    report(FeedIssue(level: .warning, code: .invalidArgument,
                                     message: "_cs_exploited is not a boolean; kept under extensions", item: index))
                    d.extensions.set(key, tree(value))
                }
            default:
                d.extensions.set(key, tree(value))
            }
        }
        // content_text only counts when there is no HTML to derive it from.
        if d.contentHTML != nil { d.contentText = nil }
        return d
    }

    /// The authors of an `authors` array, or the one of an `author` object.
    static func authors(_ value: JSONRef, base: String?) -> [Author] {
        var candidates: [JSONRef] = []
        if value.isObject { candidates = [value] } else { value.forEachElement { candidates.append($0); return true } }
        return candidates.compactMap { a in
            guard a.isObject else { return nil }
            return JSONFeedAuthor.make(name: a.member("name")?.string, url: a.member("url")?.string, base: base)
        }
    }

    /// A validated value as a jansson value, for `extensions`.
    static func tree(_ value: JSONRef) -> JSON {
        (try? JSON.parse(UnsafeRawBufferPointer(value.bytes))) ?? .null
    }
}
