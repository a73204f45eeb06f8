import CSCore
import CSEnrich

/// cs-enrich's text mapping and indicator extraction on arbitrary text, put into a record's title,
/// summary and content_text. The output must be a JSON object with `attack`, `indicators` and `priority`,
/// every indicator well formed, every CVSS score in range, and enriching the output again must give the same line.
public enum EnrichFuzz {
    nonisolated(unsafe) static let enricher = Enricher()

    public static func check(_ input: UnsafeRawBufferPointer) -> String? {
        let text = String(decoding: input, as: UTF8.self)
        let record = JSON.object()
        record.set("schema", .string(CSVersion.schema))
        record.set("id", .string("fuzz"))
        record.set("title", .string(String(text.prefix(120))))
        record.set("summary", .string(text))
        record.set("content_text", .string(text))
        record.set("tags", .strings(text.split(separator: ",").prefix(8).map(String.init)))
        let line = record.text
        let out: String
        do { out = try enricher.enrich(line: line) } catch { return "enrich rejects a valid record: \(error)" }
        let parsed: JSON
        do { parsed = try JSON.parse(out) } catch { return "output is not JSON: \(error)" }
        guard parsed["attack"]?.kind == .object else { return "output has no attack object" }
        guard let indicators = parsed["indicators"], indicators.kind == .object else { return "output has no indicators object" }
        guard let priority = parsed["priority"], priority.kind == .object else { return "output has no priority object" }
        for c in priority["cvss"]?.elements ?? [] {
            guard let score = c["score"]?.doubleValue, score >= 0, score <= 10 else { return "priority.cvss has a score outside 0-10" }
        }
        for (name, values) in indicators.members {
            guard values.kind == .array else { return "indicators.\(name) is not an array" }
            for v in values.elements {
                guard let s = v.stringValue else { return "indicators.\(name) has a non-string" }
                if let p = indicatorProblem(name, s) { return "indicators.\(name) \(s.debugDescription): \(p)" }
            }
        }
        let again: String
        do { again = try enricher.enrich(line: out) } catch { return "enrich rejects its own output: \(error)" }
        if again != out {
            let a = Array(out.utf8), b = Array(again.utf8)
            let i = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
            func around(_ x: [UInt8]) -> String { String(decoding: x[max(0, i - 40)..<min(x.count, i + 40)], as: UTF8.self).debugDescription }
            return "enriching twice changes the line at byte \(i): \(around(a)) then \(around(b))"
        }
        return nil
    }

    static func indicatorProblem(_ kind: String, _ s: String) -> String? {
        let b = Array(s.utf8)
        func hex(_ n: Int) -> Bool { b.count == n && b.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) } }
        switch kind {
        case "md5": return hex(32) ? nil : "not 32 hex digits"
        case "sha1": return hex(40) ? nil : "not 40 hex digits"
        case "sha256": return hex(64) ? nil : "not 64 hex digits"
        case "ipv4":
            let parts = s.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4, parts.allSatisfy({ p in !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isASCIIDigit) && Int(p)! <= 255 }) else {
                return "not a dotted quad"
            }
            return nil
        case "cves":
            guard s.hasPrefix("CVE-"), b.count >= 13 else { return "not CVE-YYYY-NNNN" }
            return nil
        case "domains", "urls":
            return s.isEmpty || s.contains(where: { $0 == " " || $0 == "\n" }) ? "empty or contains spaces" : nil
        default:
            return s.isEmpty ? "empty" : nil
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { asciiValue.map { $0 >= 48 && $0 <= 57 } ?? false }
}
