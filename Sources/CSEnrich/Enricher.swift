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
    /// The trained technique model (nil: `--no-model`).
    private let modelTechniques: ModelTechniques?
    /// Tag spelling -> what it maps to (see TagMapping.swift).
    var tagCache: [String: [TagMapping]] = [:]
    /// KEV and EPSS data (`--kev`, `--epss`, the data directory); nil: none.
    let priorityData: PriorityData?
    /// `--reassess`: evidence may raise a severity the feed stated.
    let reassess: Bool
    /// Why some priority evidence of the last line was not used (for warnings with its position).
    public private(set) var problems: [String] = []
    /// The last line's `id`, when it had problems to report.
    public var lastID: String? { scanner.value("id")?.string }
    private var patched: [UInt8] = []

    /// `--map` lines `phrase:WORDS =` whose words are no built-in phrase: they switch nothing off
    /// (a misspelling, most likely), which the stage reports.
    public private(set) var phrasesOffMatchingNothing: [UserMap.Entry] = []

    public init(userMap: UserMap = UserMap(), priorityData: PriorityData? = nil, reassess: Bool = false,
                model: TechniqueModel? = nil, minConfidence: Double? = nil) {
        self.userMap = userMap
        modelTechniques = model.map { ModelTechniques(model: $0, minConfidence: minConfidence) }
        self.priorityData = priorityData
        self.reassess = reassess
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
        problems = e.priority.problems
        let outcome = PriorityOutcome(scanner: scanner, evidence: e.priority, reassess: reassess)
        writer.bytes.removeAll(keepingCapacity: true)
        if scanner.value("attack") != nil || scanner.value("indicators") != nil || scanner.value("priority") != nil {
            let rebuilt = try rebuild(line, e, outcome)
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
        let edits: (replace: [(Range<Int>, [UInt8])], append: [UInt8]) = outcome.changesRecord ? outcome.edits(scanner: scanner, line: line) : ([], [])
        if !edits.append.isEmpty {
            // Members the record lacks (severity, severities, exploited): before the enrichment.
            writer.bytes.append(contentsOf: empty ? edits.append.dropFirst() : edits.append[...])
            writer.byte(UInt8(ascii: ","))
        } else if !empty {
            writer.byte(UInt8(ascii: ","))
        }
        writeMembers(e, outcome, to: &writer)
        writer.byte(UInt8(ascii: "}"))
        if edits.replace.isEmpty {
            writer.bytes.withUnsafeBufferPointer { suffix in
                emit(UnsafeBufferPointer(rebasing: line[0..<end]), suffix)
            }
            return
        }
        // Severity or exploited changed inside the record: copy it around the edits.
        patched.removeAll(keepingCapacity: true)
        var from = 0
        for (range, bytes) in edits.replace {
            patched.append(contentsOf: UnsafeBufferPointer(rebasing: line[from..<range.lowerBound]))
            patched.append(contentsOf: bytes)
            from = range.upperBound
        }
        patched.append(contentsOf: UnsafeBufferPointer(rebasing: line[from..<end]))
        patched.append(contentsOf: writer.bytes)
        patched.withUnsafeBufferPointer { emit($0, nil) }
    }

    /// `"attack":{…},"indicators":{…},"priority":{…}`
    private func writeMembers(_ e: Enrichment, _ outcome: PriorityOutcome, to w: inout JSONWriter) {
        w.raw("\"attack\":")
        e.writeAttack(to: &w)
        w.raw(",\"indicators\":")
        e.indicators.write(to: &w)
        w.raw(",\"priority\":")
        e.priority.write(feedSeverity: outcome.feedSeverity, severityVia: outcome.severityVia, to: &w)
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

    /// A record that already has `attack`, `indicators` or `priority`: jansson drops them and applies the
    /// priority outcome; the new members are appended as on the fast path, so both give the same bytes.
    private func rebuild(_ line: UnsafeBufferPointer<UInt8>, _ e: Enrichment, _ outcome: PriorityOutcome) throws(EnrichError) -> [UInt8] {
        let record: JSON
        do {
            record = try JSON.parse(UnsafeRawBufferPointer(line))
        } catch {
            throw EnrichError(code: .internal, message: "cannot rebuild the record: \(error)")
        }
        record.remove("attack")
        record.remove("indicators")
        record.remove("priority")
        outcome.apply(to: record)
        var out = record.serialized()
        guard out.last == UInt8(ascii: "}") else { throw EnrichError(code: .internal, message: "cannot rebuild the record") }
        out.removeLast()
        if out.count > 1 { out.append(UInt8(ascii: ",")) }
        var w = JSONWriter(capacity: 2048)
        writeMembers(e, outcome, to: &w)
        out.append(contentsOf: w.bytes)
        out.append(UInt8(ascii: "}"))
        return out
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
        e.priority = text.withMutableBytes { PriorityAnalysis.evidence(scanner: scanner, text: UnsafeBufferPointer($0)) }
        analyzeText(&e)
        modelTechniques?.find(in: scanner, into: &e)
        if let priorityData { PriorityAnalysis.lookUp(cves: e.indicators.cves.values, in: priorityData, into: &e.priority) }
        e.addImpliedTactics()
        e.sort()
        return e
    }

    /// Whether the sentence around token `at` hedges or negates (Hedging).
    static func inHedgedSentence(_ at: Int, _ tokens: UnsafeBufferPointer<Token>, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let sentence = Sentences.around(Int(tokens[at].start), in: text)
        var first = at, last = at
        while first > 0, Int(tokens[first - 1].start) >= sentence.lowerBound { first -= 1 }
        while last + 1 < tokens.count, Int(tokens[last + 1].end) <= sentence.upperBound { last += 1 }
        return Hedging.isHedged(UnsafeBufferPointer(rebasing: tokens[first...last]), in: text, sentenceStart: sentence.lowerBound)
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
            phrases.match(tokens, in: readOnly) { p, at in
                // "potentially through phishing": a hedged or negated sentence names no technique seen. It
                // still names the actors and software it mentions ("Shamoon could wipe…" is about Shamoon).
                var hedged: Bool?
                func seen() -> Bool {
                    if hedged == nil { hedged = Self.inHedgedSentence(at, tokens, readOnly) }
                    return !hedged!
                }
                for target in p.targets {
                    switch target {
                    case .technique(let id): if seen() { e.addTechnique(id, via: p.via) }
                    case .group(let id): e.addGroup(id, via: p.via)
                    case .software(let id): e.addSoftware(id, via: p.via)
                    case .mapped(let ids): if seen() { for id in ids { e.add(id: id, via: p.via) } }
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
