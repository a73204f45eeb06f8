#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore
import CSFeed
import CSHTTP

/// The feeds of one run, from arguments and `--feeds` files (a URL or path a line with `#` comments,
/// or an OPML subscription list, told apart by content). A line may also be a JSON object with a `url`
/// member: the records `cs worker` hands a stage from a stream of feeds. Each URL appears once, in
/// first-seen order.
public struct FeedList {
    public private(set) var urls: [String] = []
    private var seen: Set<String> = []

    public init() {}

    static let schemes: Set<String> = ["http", "https", "file"]

    /// A command-line argument: a URL, or the path of a local feed file (made a file:// URL); `-` is a
    /// feed list on stdin.
    public mutating func addArgument(_ argument: String, stage: Stage) {
        if argument == "-" { return addList(path: "-", stage: stage) }
        addEntry(argument, relativeTo: nil, at: Position(input: argument), named: false, stage: stage)
    }

    /// `--feeds FILE`: a plain list or OPML. Entries are URLs or paths, as on the command line; a
    /// relative path is taken from the list's own directory, so a list works from any directory.
    public mutating func addList(path: String, stage: Stage) {
        guard let fd = stage.openInput(path) else { return }
        defer { if fd != 0 { close(fd) } }
        let bytes: [UInt8]
        do { bytes = try LineReader(fd: fd).readAll(limit: 64 << 20) } catch {
            stage.reject(nil, at: Position(input: path), .dataLoss, "cannot read the feed list: \(error)")
            return
        }
        let base = path == "-" ? nil : FeedList.directory(of: path)
        let text = String(decoding: bytes, as: UTF8.self)
        if text.first(where: { !$0.isWhitespace }) == "<" {
            addOPML(bytes, path: path, relativeTo: base, stage: stage)
            return
        }
        var number = 0
        // "\r\n" is one Character: split on any line break, so lists written on Windows work too.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            number += 1
            var line = Substring(rawLine)
            if String(line).trimmingSpaces.hasPrefix("{") {
                addRecord(String(line), at: Position(input: path, line: number), stage: stage)
                continue
            }
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let entry = String(line).trimmingSpaces
            if entry.isEmpty { continue }
            addEntry(entry, relativeTo: base, at: Position(input: path, line: number), named: true, stage: stage)
        }
    }

    /// `{"url": "https://…"}`: one feed as a JSON object (other members are ignored). A line that is not
    /// such an object is rejected verbatim, so a dead-letter file (or `cs worker`) keeps it as it came.
    private mutating func addRecord(_ line: String, at position: Position, stage: Stage) {
        func refuse(_ why: String) {
            let bytes = Array(line.utf8)
            bytes.withUnsafeBufferPointer { stage.reject($0, at: position, .invalidArgument, why) }
        }
        let object: JSON
        do { object = try JSON.parse(line) } catch {
            return refuse("a feed-list line starting with '{' is not JSON: \(error.message)")
        }
        guard object.kind == .object, let url = object["url"]?.stringValue else {
            return refuse("a feed-list object needs a \"url\" string member")
        }
        // A URL, not a path: the record came from elsewhere (a stream), so no directory applies.
        guard url.schemeSplit != nil else { return refuse("\"url\" is not a URL (http, https, file): \(url)") }
        addEntry(url, relativeTo: nil, at: position, named: true, stage: stage)
    }

    /// An OPML list (CSFeed's OPMLReader, over libxml2): every outline's `xmlUrl`, nested ones too; outlines
    /// in comments are not read. A list that is not well-formed is rejected whole, with its first error's line.
    private mutating func addOPML(_ bytes: [UInt8], path: String, relativeTo base: String?, stage: Stage) {
        let outlines: [OPMLOutline]
        do { outlines = try OPMLReader.outlines(in: bytes, url: path == "-" ? nil : path) } catch {
            stage.reject(nil, at: Position(input: path, line: error.line > 0 ? error.line : nil), .invalidArgument,
                         "not a well-formed OPML feed list: \(error.message); no feed read from it")
            return
        }
        if outlines.isEmpty { stage.diagnostics.warning(.invalidArgument, "OPML file lists no feed (no outline with xmlUrl)", at: Position(input: path)) }
        for outline in outlines {
            let position = Position(input: path, line: outline.line)
            if !outline.unexpandedEntities.isEmpty {
                let names = outline.unexpandedEntities.map { "&\($0);" }.joined(separator: ", ")
                stage.reject(nil, at: position, .invalidArgument, "xmlUrl uses the entity \(names), which is not expanded; outline skipped")
                continue
            }
            addEntry(outline.xmlUrl, relativeTo: base, at: position, named: true, stage: stage)
        }
    }

    /// A URL (http, https, file), or the path of a regular file, made a file:// URL. A relative path
    /// is taken from `base` (nil: the working directory). `named`: the position does not show the
    /// entry itself (a list's line), so messages name it.
    private mutating func addEntry(_ entry: String, relativeTo base: String?, at position: Position, named: Bool, stage: Stage) {
        let suffix = named ? ": \(entry)" : ""
        if let split = entry.schemeSplit {
            guard FeedList.schemes.contains(split.scheme.lowercased()) else {
                stage.reject(nil, at: position, .invalidArgument, "unsupported URL scheme '\(split.scheme)' (http, https, file)\(suffix)")
                return
            }
            add(entry)
            return
        }
        let path = entry.hasPrefix("/") ? entry : (base ?? "") + entry
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            stage.reject(nil, at: position, .notFound, "neither a URL nor a readable file\(suffix)")
            return
        }
        add(FeedList.fileURL(for: path))
    }

    /// The directory part of a path, ending in "/"; nil for a bare file name (the working directory,
    /// left implicit so that `list.txt` naming `a.json` gives the URL the argument `a.json` gives).
    static func directory(of path: String) -> String? {
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return String(path[...slash])
    }

    private mutating func add(_ url: String) {
        if seen.insert(url).inserted { urls.append(url) }
    }

    /// file:// URL of a local path (made absolute; bytes outside the unreserved set percent-encoded).
    static func fileURL(for path: String) -> String {
        var absolute = path
        if !path.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            if getcwd(&buffer, buffer.count) != nil {
                let cwd = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                absolute = cwd + "/" + path
            }
        }
        var out = "file://"
        for byte in absolute.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80, c.isLetter || c.isNumber || "/-._~".contains(c) {
                out.append(c)
            } else {
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 15)])
            }
        }
        return out
    }
}
