import CSAttack
import CSCore

/// Why a line was not enriched.
public struct EnrichError: Error, CustomStringConvertible {
    public var code: StatusCode
    public var message: String
    public var id: String?
    public var description: String { message }
}

/// Enriches cs.advisory/1 lines. One instance per stream: it keeps its buffers, the phrase table and
/// a cache of tag mappings between records.
///
/// The common path builds no document tree: RecordScanner reads tags, title, summary, content_text,
/// actors and cves; the output is the input line without its closing brace, followed by
/// `,"attack":{…},"indicators":{…}}`. A record that already has `attack` or `indicators` goes through
/// jansson instead so that they are replaced, which makes enriching twice give the same record.
public final class Enricher {
    let phrases: PhraseTable
    let userMap: UserMap
    private let scanner = RecordScanner()
    private var text = TextBuffer()
    private var html = TextBuffer()
    private let tokenStorage = TokenStorage()
    private var writer = JSONWriter(capacity: 4096)
    private let eventIDs = EventIDs()
    private let hosts = HostPolicy()
    /// Tag spelling -> what it maps to (see TagMapping.swift).
    var tagCache: [String: [TagMapping]] = [:]

    /// `--map` lines `phrase:WORDS =` whose words are no built-in phrase: they switch nothing off
    /// (a misspelling, most likely), which the stage reports.
    public private(set) var phrasesOffMatchingNothing: [UserMap.Entry] = []

    public init(userMap: UserMap = UserMap()) {
        self.userMap = userMap
        let table = PhraseTable.builtIn()
        for entry in userMap.phrasesOff where table.remove(entry.key) == 0 { phrasesOffMatchingNothing.append(entry) }
        for entry in userMap.phrases {
            table.add(entry.key, exactCase: false, via: "map:" + entry.key, target: .mapped(entry.ids))
        }
        table.seal()
        phrases = table
    }

    // MARK: lines

    /// Enriches one line and hands the result to `emit` as one or two byte runs that form the output line
    /// (without its newline).
    public func enrich(_ line: UnsafeBufferPointer<UInt8>, emit: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>?) -> Void) throws(EnrichError) {
        do {
            try scanner.scan(line)
        } catch {
            throw EnrichError(code: .invalidArgument, message: "not a JSON object: \(error.message) at column \(error.column)")
        }
        try checkSchema()
        let e = analyze()
        writer.bytes.removeAll(keepingCapacity: true)
        if scanner.value("attack") != nil || scanner.value("indicators") != nil {
            let rebuilt = try rebuild(line, e)
            rebuilt.withUnsafeBufferPointer { emit($0, nil) }
            return
        }
        // The line ends with the record's closing brace (and perhaps spaces): cut there, append the members.
        var end = line.count
        while end > 0, line[end - 1] != UInt8(ascii: "}") { end -= 1 }
        end -= 1
        var k = end
        while k > 0, line[k - 1] == 0x20 || line[k - 1] == 0x09 || line[k - 1] == 0x0A || line[k - 1] == 0x0D { k -= 1 }
        let empty = k > 0 && line[k - 1] == UInt8(ascii: "{")
        writer.raw(empty ? "\"attack\":" : ",\"attack\":")
        e.writeAttack(to: &writer)
        writer.raw(",\"indicators\":")
        e.indicators.write(to: &writer)
        writer.byte(UInt8(ascii: "}"))
        writer.bytes.withUnsafeBufferPointer { suffix in
            emit(UnsafeBufferPointer(rebasing: line[0..<end]), suffix)
        }
    }

    /// Enriches one line given as text and returns the output line (tests and small tools).
    public func enrich(line: String) throws(EnrichError) -> String {
        var line = line
        var out: [UInt8] = []
        let result: Result<Void, EnrichError> = line.withUTF8 { buf in
            Result { () throws(EnrichError) in
                try enrich(buf) { a, b in
                    out.append(contentsOf: a)
                    if let b { out.append(contentsOf: b) }
                }
            }
        }
        try result.get()
        return String(decoding: out, as: UTF8.self)
    }

    /// What one line maps to (tests).
    public func enrichment(ofLine line: String) throws(EnrichError) -> Enrichment {
        var line = line
        let result: Result<Enrichment, EnrichError> = line.withUTF8 { buf in
            Result { () throws(EnrichError) -> Enrichment in
                do { try scanner.scan(buf) } catch {
                    throw EnrichError(code: .invalidArgument, message: "not a JSON object: \(error)")
                }
                try checkSchema()
                return analyze()
            }
        }
        return try result.get()
    }

    /// The check every record reader makes (CSCore's AdvisoryCheck).
    private func checkSchema() throws(EnrichError) {
        if let problem = AdvisoryCheck.problem(in: scanner) {
            throw EnrichError(code: .invalidArgument, message: problem, id: scanner.value("id")?.string)
        }
    }

    private func rebuild(_ line: UnsafeBufferPointer<UInt8>, _ e: Enrichment) throws(EnrichError) -> [UInt8] {
        let record: JSON
        let members: JSON
        do {
            record = try JSON.parse(UnsafeRawBufferPointer(line))
            var w = JSONWriter(capacity: 2048)
            w.raw("{\"attack\":")
            e.writeAttack(to: &w)
            w.raw(",\"indicators\":")
            e.indicators.write(to: &w)
            w.byte(UInt8(ascii: "}"))
            members = try w.bytes.withUnsafeBytes { buf throws(JSONParseError) in try JSON.parse(buf) }
        } catch {
            throw EnrichError(code: .internal, message: "cannot rebuild the record: \(error)")
        }
        record.remove("attack")
        record.remove("indicators")
        if let a = members["attack"] { record.set("attack", a) }
        if let i = members["indicators"] { record.set("indicators", i) }
        return record.serialized()
    }

    // MARK: analysis

    /// Maps the scanned record: tags, actors and cves first, then the text.
    private func analyze() -> Enrichment {
        var e = Enrichment()
        scanner.value("tags")?.forEachElement { tag in
            if var s = tag.string {
                mapTag(s, &e)
                // Sigma writes CVEs as tags: "cve.2021-44228".
                if s.utf8.count >= 13, (s.utf8.first ?? 0) | 0x20 == UInt8(ascii: "c") {
                    s.withUTF8 { b in
                        var bytes = Array(b)
                        if bytes[3] == UInt8(ascii: ".") { bytes[3] = UInt8(ascii: "-") }
                        bytes.withUnsafeBufferPointer { if let c = IndicatorScanner.cve($0) { e.indicators.cves.insert(c) } }
                    }
                }
            }
            return true
        }
        scanner.value("actors")?.forEachElement { actor in
            if let name = actor.string {
                // A group first: "Cozy Bear" is APT29 (and, spaced differently, an alias of its malware CozyCar).
                if let g = ATTACK.group(named: name) { e.addGroup(g.id, via: "actor:" + name) }
                else if let s = ATTACK.software(named: name) { e.addSoftware(s.id, via: "actor:" + name) }
            }
            return true
        }
        scanner.value("cves")?.forEachElement { cve in
            if var s = cve.string {
                s.withUTF8 { if $0.count >= 13, let c = IndicatorScanner.cve($0) { e.indicators.cves.insert(c) } }
            }
            return true
        }

        text.reset()
        text.append(scanner.value("title"))
        text.appendMarkup(scanner.value("summary"))   // an RSS description: often HTML
        text.append(scanner.value("content_text"))
        text.refang()
        hosts.reset(scanner, defanged: text.defanged)
        analyzeText(&e)
        e.addImpliedTactics()
        e.sort()
        return e
    }

    private func analyzeText(_ e: inout Enrichment) {
        let phrases = self.phrases
        let eventIDs = self.eventIDs
        let storage = tokenStorage
        let hosts = self.hosts
        var needHTML = false
        text.withMutableBytes { b in
            let readOnly = UnsafeBufferPointer(b)
            SigmaTitles.fromText(readOnly, into: &e.indicators.sigmaRules)
            needHTML = e.indicators.sigmaRules.values.isEmpty && SigmaTitles.containsMention(readOnly)
            let tokenPointer = storage.reserve(forText: b.count)
            let count = IndicatorScanner.scan(b, into: &e, tokens: tokenPointer, hosts: hosts)
            let tokens = UnsafeBufferPointer(start: tokenPointer, count: count)
            phrases.match(tokens, in: readOnly) { p in
                for target in p.targets {
                    switch target {
                    case .technique(let id): e.addTechnique(id, via: p.via)
                    case .group(let id): e.addGroup(id, via: p.via)
                    case .software(let id): e.addSoftware(id, via: p.via)
                    case .mapped(let ids): for id in ids { e.add(id: id, via: p.via) }
                    }
                }
            }
            eventIDs.scan(tokens, in: readOnly, into: &e.indicators.eventIDs)
        }
        if needHTML {
            html.reset()
            html.append(scanner.value("content_html"))
            html.withMutableBytes { b in SigmaTitles.fromHTML(UnsafeBufferPointer(b), into: &e.indicators.sigmaRules) }
        }
    }
}
