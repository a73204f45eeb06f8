#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// A pipeline file (docs/pipelines.md): one stage per line, its name without the `cs-` prefix and
/// its arguments, words split and quoted as in a POSIX shell, `#` comments, `\` continuing a line,
/// `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:?message}` from the environment (a word that is
/// one unquoted expansion is split on whitespace), and unquoted glob patterns expanded (bounded: `Glob.Limits`).
/// Nothing else of the shell: no command substitution, no redirections.
/// What an expansion produces is never an option: a glob match that starts with `-` is given as `./-…`,
/// and a value that would start a word with `-` is refused (other than `-` alone, standard input).
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
        public var code: StatusCode = .invalidArgument
        public var description: String { "\(path):\(line):\(column): \(message) (\(code.rawValue))" }
    }

    /// What `${VAR:?message}` does when VAR is unset or empty.
    public enum Unresolved {
        /// The parse fails, naming VAR and the message (a run).
        case fail
        /// The word keeps a mark in VAR's place (`--dry-run`), shown as `${VAR}` by `ShellQuote`.
        case mark
    }

    public var path: String
    public var steps: [Step]
    /// Required variables left unresolved (with `.mark`), each with its message, in order of appearance.
    public var unresolved: [(name: String, message: String)] = []

    /// Parses pipeline `text`. `lookup` gives environment values (nil when unset).
    public init(path: String, text: String, unresolved policy: Unresolved = .fail, globLimits: Glob.Limits = .standard,
                lookup: (String) -> String?) throws(ParseError) {
        self.path = path
        steps = []
        var context = Context(path: path, policy: policy, globLimits: globLimits)
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
            context.line = startLine
            let words = try PipelineFile.words(logical, &context, lookup: lookup)
            logical = ""
            guard let first = words.first else { continue }
            steps.append(Step(stage: first, arguments: Array(words.dropFirst()), line: startLine))
        }
        if !logical.isEmpty {
            throw ParseError(path: path, line: startLine, column: 1, message: "the file ends inside a continued line")
        }
        if steps.isEmpty { throw ParseError(path: path, line: max(1, lineNumber), column: 1, message: "no stages in the pipeline") }
        self.unresolved = context.unresolved
    }

    /// What splitting a line needs besides the line.
    struct Context {
        var path: String
        var line = 0
        var policy: Unresolved
        var globLimits: Glob.Limits
        var unresolved: [(name: String, message: String)] = []
    }

    /// Marks an unresolved variable inside a word (private-use characters, which no shell word holds).
    static let markStart: Unicode.Scalar = "\u{E000}", markEnd: Unicode.Scalar = "\u{E001}"

    /// Splits one logical line into words with quoting, expansion and globbing.
    static func words(_ line: String, _ context: inout Context, lookup: (String) -> String?) throws(ParseError) -> [String] {
        let chars = Array(line.unicodeScalars)
        var i = 0
        var words: [String] = []
        let path = context.path, lineNumber = context.line
        func fail(_ message: String, column: Int? = nil, code: StatusCode = .invalidArgument) -> ParseError {
            ParseError(path: path, line: lineNumber, column: column ?? i + 1, message: message, code: code)
        }
        func glob(_ pattern: String, column: Int) throws(ParseError) -> [String]? {
            do {
                // A match is a path: one starting with '-' is written ./-… so that no stage reads it as an option.
                return try Glob.expand(pattern, limits: context.globLimits)?.map { $0.hasPrefix("-") ? "./" + $0 : $0 }
            } catch {
                throw fail("the pattern '\(pattern)' \(error.message)", column: column, code: .resourceExhausted)
            }
        }
        // A value from the environment that would begin a word with '-' would be read as an option.
        func refuseOption(_ word: String, from expression: String, column: Int) throws(ParseError) {
            guard word.hasPrefix("-"), word != "-" else { return }
            throw fail("\(expression) gives '\(word)', which a stage would read as an option; a value may not start with '-' (write a path as ./\(word))", column: column)
        }

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
                    if let value { return value }
                    let message = argument.isEmpty ? "required by this pipeline" : argument
                    guard context.policy == .mark else { throw fail("\(name) is not set: \(message)") }
                    if !context.unresolved.contains(where: { $0.name == name }) { context.unresolved.append((name, message)) }
                    return String(markStart) + name + String(markEnd)
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
            // A word that is nothing but one unquoted expansion is split on whitespace and each part
            // globbed, as a shell does: FEEDS='a.xml b/*.json' gives several arguments.
            let wordStart = i
            if chars[i] == "$" {
                let value = try expandVariable()
                if i >= chars.count || chars[i] == " " || chars[i] == "\t" {
                    let expression = String(String.UnicodeScalarView(chars[wordStart..<i]))
                    for part in value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
                        let part = String(part)
                        if part.contains(where: { "*?[".contains($0) }), let matches = try glob(part, column: wordStart + 1), !matches.isEmpty {
                            words += matches
                        } else {
                            try refuseOption(part, from: expression, column: wordStart + 1)
                            words.append(part)
                        }
                    }
                    continue
                }
                i = wordStart
            }
            // Whether the word's first characters came from an expansion (they may not make an option).
            var expandedAtStart = false
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
                            let value = try expandVariable()
                            if word.isEmpty && !value.isEmpty { expandedAtStart = true }
                            word += value
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
                    let value = try expandVariable()
                    if word.isEmpty && !value.isEmpty { expandedAtStart = true }
                    word += value
                case "*", "?", "[":
                    globbable = true
                    word.unicodeScalars.append(c); i += 1
                case "|", ";", "&", "<", ">", "`":
                    throw fail("'\(c)' is shell syntax; a pipeline file lists one stage per line with its arguments")
                default:
                    word.unicodeScalars.append(c); i += 1
                }
            }
            if globbable, let matches = try glob(word, column: wordStart + 1), !matches.isEmpty {
                words += matches
            } else if !word.isEmpty || quoted {
                if expandedAtStart {
                    try refuseOption(word, from: String(String.UnicodeScalarView(chars[wordStart..<i])), column: wordStart + 1)
                }
                words.append(word)
            }
        }
        return words
    }

    static func isName(_ s: String) -> Bool {
        guard let f = s.unicodeScalars.first, f == "_" || (f.isASCII && f.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ($0.value >= 48 && $0.value <= 57))) }
    }
}
