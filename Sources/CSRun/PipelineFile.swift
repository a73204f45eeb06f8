#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A pipeline file (docs/pipelines.md): one stage per line, its name without the `cs-` prefix and
/// its arguments, words split and quoted as in a POSIX shell, `#` comments, `\` continuing a line,
/// `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:?message}` from the environment, and unquoted
/// glob patterns expanded. Nothing else of the shell: no command substitution, no redirections.
public struct PipelineFile {
    public struct Step: Equatable {
        public var stage: String
        public var arguments: [String]
        /// 1-based line of the file where the step starts.
        public var line: Int
    }

    public struct ParseError: Error, CustomStringConvertible {
        public let path: String
        public let line: Int
        public let column: Int
        public let message: String
        public var description: String { "\(path):\(line):\(column): \(message)" }
    }

    public var path: String
    public var steps: [Step]

    /// Parses pipeline `text`. `lookup` gives environment values (nil when unset).
    public init(path: String, text: String, lookup: (String) -> String?) throws(ParseError) {
        self.path = path
        steps = []
        var logical = ""
        var startLine = 0
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = String(raw)
            if line.hasSuffix("\r") { line.removeLast() }
            if logical.isEmpty { startLine = lineNumber }
            if line.hasSuffix("\\") {
                logical += line.dropLast() + " "
                continue
            }
            logical += line
            let words = try PipelineFile.words(logical, path: path, line: startLine, lookup: lookup)
            logical = ""
            guard let first = words.first else { continue }
            steps.append(Step(stage: first, arguments: Array(words.dropFirst()), line: startLine))
        }
        if !logical.isEmpty {
            throw ParseError(path: path, line: startLine, column: 1, message: "the file ends inside a continued line")
        }
        if steps.isEmpty { throw ParseError(path: path, line: max(1, lineNumber), column: 1, message: "no stages in the pipeline") }
    }

    /// Splits one logical line into words with quoting, expansion and globbing.
    static func words(_ line: String, path: String, line lineNumber: Int, lookup: (String) -> String?) throws(ParseError) -> [String] {
        let chars = Array(line.unicodeScalars)
        var i = 0
        var words: [String] = []
        func fail(_ message: String) -> ParseError { ParseError(path: path, line: lineNumber, column: i + 1, message: message) }

        func expandVariable() throws(ParseError) -> String {
            // at '$'
            i += 1
            if i < chars.count, chars[i] == "{" {
                i += 1
                var name = ""
                while i < chars.count, chars[i] != "}", chars[i] != ":" { name.unicodeScalars.append(chars[i]); i += 1 }
                var op = "", argument = ""
                if i < chars.count, chars[i] == ":" {
                    i += 1
                    guard i < chars.count, chars[i] == "-" || chars[i] == "?" else { throw fail("expected ':-' or ':?' in ${...}") }
                    op = String(chars[i])
                    i += 1
                    while i < chars.count, chars[i] != "}" { argument.unicodeScalars.append(chars[i]); i += 1 }
                }
                guard i < chars.count else { throw fail("unterminated ${") }
                i += 1
                guard isName(name) else { throw fail("invalid variable name '\(name)'") }
                let value = lookup(name).flatMap { $0.isEmpty ? nil : $0 }
                switch op {
                case "-": return value ?? argument
                case "?":
                    guard let value else { throw fail("\(name) is not set: \(argument.isEmpty ? "required by this pipeline" : argument)") }
                    return value
                default: return lookup(name) ?? ""
                }
            }
            var name = ""
            while i < chars.count, chars[i] == "_" || chars[i].properties.isAlphabetic && chars[i].isASCII || (chars[i].isASCII && chars[i].value >= 48 && chars[i].value <= 57 && !name.isEmpty) {
                name.unicodeScalars.append(chars[i]); i += 1
            }
            if name.isEmpty { return "$" }
            return lookup(name) ?? ""
        }

        while i < chars.count {
            while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 }
            guard i < chars.count else { break }
            if chars[i] == "#" { break }
            var word = ""
            var globbable = false     // an unquoted glob character appeared
            var quoted = false
            while i < chars.count, chars[i] != " ", chars[i] != "\t" {
                let c = chars[i]
                switch c {
                case "'":
                    quoted = true
                    i += 1
                    while i < chars.count, chars[i] != "'" { word.unicodeScalars.append(chars[i]); i += 1 }
                    guard i < chars.count else { throw fail("unterminated single quote") }
                    i += 1
                case "\"":
                    quoted = true
                    i += 1
                    while i < chars.count, chars[i] != "\"" {
                        if chars[i] == "\\", i + 1 < chars.count, "\"\\$".unicodeScalars.contains(chars[i + 1]) {
                            word.unicodeScalars.append(chars[i + 1]); i += 2
                        } else if chars[i] == "$" {
                            word += try expandVariable()
                        } else {
                            word.unicodeScalars.append(chars[i]); i += 1
                        }
                    }
                    guard i < chars.count else { throw fail("unterminated double quote") }
                    i += 1
                case "\\":
                    guard i + 1 < chars.count else { throw fail("a backslash ends the line") }
                    word.unicodeScalars.append(chars[i + 1]); i += 2
                case "$":
                    word += try expandVariable()
                case "*", "?", "[":
                    globbable = true
                    word.unicodeScalars.append(c); i += 1
                case "|", ";", "&", "<", ">", "`":
                    throw fail("'\(c)' is shell syntax; a pipeline file lists one stage per line with its arguments")
                default:
                    word.unicodeScalars.append(c); i += 1
                }
            }
            if globbable, let matches = glob(word), !matches.isEmpty {
                words += matches
            } else if !word.isEmpty || quoted {
                words.append(word)
            }
        }
        return words
    }

    static func isName(_ s: String) -> Bool {
        guard let f = s.unicodeScalars.first, f == "_" || (f.isASCII && f.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ($0.value >= 48 && $0.value <= 57))) }
    }

    static func glob(_ pattern: String) -> [String]? {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, 0, nil, &g) == 0 else { return nil }
        return (0..<Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }
    }
}
