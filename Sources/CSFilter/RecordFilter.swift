import CSCore

/// A test on one scanned record.
public typealias RecordTest = (RecordScanner) -> Bool

/// The selection compiled once at start: a list of tests that must all pass. Each test reads only
/// the fields it needs from the scanned line, cheapest tests first.
public struct RecordFilter {
    let tests: [RecordTest]
    /// `--sev` without `--include-unrated`: the runner says so when nothing matched because no record had a severity.
    public private(set) var watchesUnrated = false

    public var isEmpty: Bool { tests.isEmpty }

    public func matches(_ record: RecordScanner) -> Bool {
        for test in tests where !test(record) { return false }
        return true
    }

    /// Compiles `spec`; `now` (epoch seconds) anchors durations such as `7d`.
    public init(_ spec: FilterSpec, now: Int) throws(FilterSpecError) {
        var tests: [RecordTest] = []
        func both(_ wanted: [String], _ unwanted: [String], _ flag: String,
                  _ matcher: (String) throws(FilterSpecError) -> RecordTest) throws(FilterSpecError) {
            // A value that is blank (or only separators) would silently select nothing.
            for v in wanted + unwanted where flag == "grep" ? v.isEmpty : Tag.canonical(v).isEmpty {
                throw FilterSpecError("--\(flag): empty value '\(v)'")
            }
            if !wanted.isEmpty {
                let ms = try wanted.map { v throws(FilterSpecError) in try matcher(v) }
                tests.append { r in ms.contains { $0(r) } }
            }
            if !unwanted.isEmpty {
                let ms = try unwanted.map { v throws(FilterSpecError) in try matcher(v) }
                tests.append { r in !ms.contains { $0(r) } }
            }
        }

        if !spec.severities.isEmpty {
            let ranges = try spec.severities.map { s throws(FilterSpecError) in try SeverityRange(parsing: s) }
            let includeUnrated = spec.includeUnrated
            tests.append { r in
                guard let s = RecordFields.severity(r) else { return includeUnrated }
                return ranges.contains { $0.contains(s) }
            }
        }
        watchesUnrated = !spec.severities.isEmpty && !spec.includeUnrated
        tests += try PriorityQueries.tests(spec)
        if let exploited = spec.exploited {
            tests.append { r in (r.value("exploited")?.isTrue ?? false) == exploited }
        }
        try both(spec.types, spec.notTypes, "type") { v in RecordFilter.member("type", CanonicalValues([v])) }
        try both(spec.tags, spec.notTags, "tag") { v in RecordFilter.member("tags", CanonicalValues([v])) }
        try both(spec.vendors, spec.notVendors, "vendor") { v in RecordFilter.member("vendors", CanonicalValues([v])) }
        try both(spec.products, spec.notProducts, "product") { v in RecordFilter.member("products", CanonicalValues([v])) }
        try both(spec.actors, spec.notActors, "actor") { v in RecordFilter.actor(CanonicalValues([v])) }
        try both(spec.cves, spec.notCves, "cve") { v in RecordFilter.cve(v) }
        var confidence: ModelConfidence? = nil
        if let minimum = spec.minConfidence {
            guard minimum >= 0, minimum <= 1 else { throw FilterSpecError("--min-confidence: expected a score from 0 to 1, not \(minimum)") }
            guard !(spec.tactics + spec.notTactics + spec.techniques + spec.notTechniques).isEmpty else {
                throw FilterSpecError("--min-confidence applies to --technique, --tactic and their --not- forms: give one of them")
            }
            confidence = ModelConfidence(minimum: minimum)
        }
        try both(spec.tactics, spec.notTactics, "tactic") { v throws(FilterSpecError) in
            let q = try TacticQuery(parsing: v)
            return { q.matches($0, confidence: confidence) }
        }
        try both(spec.techniques, spec.notTechniques, "technique") { v throws(FilterSpecError) in
            let q = try TechniqueQuery(parsing: v)
            return { q.matches($0, confidence: confidence) }
        }
        guard let field = DateField(rawValue: spec.dateField) else {
            throw FilterSpecError("--date-field: expected published, modified or updated, not '\(spec.dateField)'")
        }
        if spec.since != nil || spec.until != nil {
            let since = try spec.since.map { s throws(FilterSpecError) in try TimeBound(parsing: s, flag: "--since", now: now, endOfDay: false) }
            let until = try spec.until.map { s throws(FilterSpecError) in try TimeBound(parsing: s, flag: "--until", now: now, endOfDay: true) }
            if let since, let until, since.epoch >= until.epoch {
                throw FilterSpecError("--since \(spec.since!) is not before --until \(spec.until!): nothing could match")
            }
            tests.append { r in
                guard let date = field.value(r) else { return false }
                if let since { guard let c = since.compare(date), c >= 0 else { return false } }
                if let until { guard let c = until.compare(date), c < 0 else { return false } }
                return true
            }
        }
        let caseSensitive = spec.grepCaseSensitive
        try both(spec.grep, spec.notGrep, "grep") { v throws(FilterSpecError) in
            let search = try TextSearch(v, caseSensitive: caseSensitive)
            return { search.matches($0) }
        }
        for expression in spec.wheres {
            let test = try WhereCompiler.compile(expression)
            tests.append(test)
        }
        self.tests = tests
    }

    /// A top-level string or array-of-strings member matching canonically.
    static func member(_ key: StaticString, _ values: CanonicalValues) -> RecordTest {
        { r in r.value(key).map { values.matchesAny($0) } ?? false }
    }

    /// `actors`, and the ATT&CK groups cs-enrich found (`attack.groups[].name` or `.id`).
    static func actor(_ values: CanonicalValues) -> RecordTest {
        { r in
            if let actors = r.value("actors"), values.matchesAny(actors) { return true }
            guard let groups = r.value("attack")?.member("groups") else { return false }
            var found = false
            groups.forEachElement { g in
                if let name = g.member("name"), values.matches(name) { found = true; return false }
                if let id = g.member("id"), values.matches(id) { found = true; return false }
                return true
            }
            return found
        }
    }

    /// `cves` and `indicators.cves`, compared case-insensitively (`cve-2024-1234` = `CVE-2024-1234`).
    static func cve(_ v: String) -> RecordTest {
        let wanted = CanonicalValues([v])
        return { r in
            if let cves = r.value("cves"), wanted.matchesAny(cves) { return true }
            if let cves = r.value("indicators")?.member("cves"), wanted.matchesAny(cves) { return true }
            return false
        }
    }
}

/// The date `--since`/`--until` compare.
enum DateField: String {
    case published, modified
    /// `modified` when the record has one, else `published`: "changed or new since".
    case updated

    func value(_ r: RecordScanner) -> JSONRef? {
        switch self {
        case .published: return r.value("published")
        case .modified: return r.value("modified")
        case .updated:
            if let m = r.value("modified"), !m.isNull { return m }
            return r.value("published")
        }
    }
}

/// Typed reads of record fields shared by the tests.
enum RecordFields {
    static let severityNames: [[UInt8]] = Severity.allCases.map { Array($0.name.utf8) }

    /// The record's severity; nil when null, missing or not a severity name.
    static func severity(_ r: RecordScanner) -> Severity? {
        guard let ref = r.value("severity") else { return nil }
        return severity(ref)
    }

    /// A severity string value: canonical names compare as bytes, other spellings are parsed.
    static func severity(_ ref: JSONRef) -> Severity? {
        guard let (content, hasEscape) = ref.stringContent else { return nil }
        if !hasEscape, let s = Severity.fromCanonicalBytes(content), ByteText.equal(content, severityNames[s.rawValue]) { return s }
        return ref.string.flatMap { Severity(parsing: $0) }
    }
}
