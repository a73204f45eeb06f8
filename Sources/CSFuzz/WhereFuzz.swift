import CSCore
import CSFilter

/// cs-filter's `--where` compiler on arbitrary text. The first line is the expression; the rest, when it
/// scans as a JSON object, is one more record to evaluate it on (besides a few fixed ones). An expression
/// that compiles must evaluate without trapping, and `not (E)` must compile and give the opposite answer.
/// The first line is also tried as a regular expression on each line: the engine's answer must not
/// depend on its state cache, and a match must contain the pattern's required literal.
public enum WhereFuzz {
    static let records: [String] = [
        #"{"schema":"cs.advisory/1","id":"a","title":"Password spraying","severity":"high","severities":["low","high"],"tags":["phishing"],"cves":["CVE-2024-1234"],"exploited":true,"published":"2026-04-22T18:43:05Z","source":{"feed_url":"https://x.example/f","format":"rss-2.0"},"attack":{"tactics":[{"id":"TA0006","name":"Credential Access"}],"techniques":[{"id":"T1110.003","tactics":["TA0006"]}]},"indicators":{"ipv4":["10.0.0.1"]},"n":3.5}"#,
        #"{"schema":"cs.advisory/1","id":"b","title":null,"severity":null,"tags":[],"exploited":null,"published":null,"sections":{"impact":null},"x":{"y":[1,"2",{"z":false}]}}"#,
        #"{}"#,
    ]
    nonisolated(unsafe) static let scanner = RecordScanner()

    public static func check(_ input: UnsafeRawBufferPointer) -> String? {
        let text = String(decoding: input, as: UTF8.self)
        let expression: String
        var lines = records
        if let nl = text.firstIndex(of: "\n") {
            expression = String(text[..<nl])
            lines.append(String(text[text.index(after: nl)...]))
        } else {
            expression = text
        }
        for line in lines {
            if let finding = RegexConsistency.check(pattern: expression, text: Array(line.utf8)) { return finding }
        }
        guard let filter = compile(expression) else { return nil }
        let negation = "not (" + expression + ")"
        guard let negated = compile(negation) else {
            // Two more levels may cross the parser's nesting limit (WhereParser.maxNesting).
            if let e = compileError(negation), e.contains("nested deeper") { return nil }
            return "\(expression.debugDescription) compiles but not (…) of it does not"
        }
        for line in lines {
            let shown = String(line.prefix(200))
            var line = line
            let verdict: String? = line.withUTF8 { buf in
                do { try scanner.scan(buf) } catch { return nil }
                let a = filter.matches(scanner), b = negated.matches(scanner)
                return a == b ? "\(expression.debugDescription) and its negation both give \(a) on \(shown.debugDescription)" : nil
            }
            if let verdict { return verdict }
        }
        return nil
    }

    static func compileError(_ expression: String) -> String? {
        var spec = FilterSpec()
        spec.wheres = [expression]
        do { _ = try RecordFilter(spec, now: 1_776_000_000); return nil } catch { return error.message }
    }

    static func compile(_ expression: String) -> RecordFilter? {
        var spec = FilterSpec()
        spec.wheres = [expression]
        return try? RecordFilter(spec, now: 1_776_000_000)
    }
}
