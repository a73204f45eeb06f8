#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A POSIX extended regular expression (the C library's `regcomp`/`regexec`), matched against
/// NUL-terminated byte buffers. Matching is byte-wise in the C locale: case folding (`REG_ICASE`)
/// covers ASCII letters. Patterns are bounded in length so that a command line cannot ask for
/// an automaton of unbounded size.
final class POSIXRegex {
    static let maxPatternBytes = 4096
    private let re: UnsafeMutablePointer<regex_t>

    /// Throws the C library's own description of what is wrong with the pattern.
    init(_ pattern: String, caseInsensitive: Bool) throws(FilterSpecError) {
        guard pattern.utf8.count <= POSIXRegex.maxPatternBytes else {
            throw FilterSpecError("regular expression longer than \(POSIXRegex.maxPatternBytes) bytes")
        }
        guard !pattern.utf8.contains(0) else { throw FilterSpecError("regular expression contains a NUL byte") }
        // glibc accepts back-references (\1) in extended syntax, and matching them can take
        // exponential time: a filter in every pipeline must not hang on one record.
        let bytes = Array(pattern.utf8)
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == UInt8(ascii: "\\") {
                if bytes[i + 1] >= UInt8(ascii: "1") && bytes[i + 1] <= UInt8(ascii: "9") {
                    throw FilterSpecError("back-references such as \\\(Character(Unicode.Scalar(bytes[i + 1]))) are not supported in '\(pattern)'")
                }
                i += 2
            } else {
                i += 1
            }
        }
        if let problem = RegexComplexity.problem(bytes) {
            throw FilterSpecError("regular expression '\(pattern)' is too complex: \(problem)")
        }
        // Compiled into a local first: `re` is only set once it holds a compiled expression, so a
        // throw here never reaches deinit's regfree.
        let compiled = UnsafeMutablePointer<regex_t>.allocate(capacity: 1)
        let flags = REG_EXTENDED | REG_NOSUB | (caseInsensitive ? REG_ICASE : 0)
        let rc = regcomp(compiled, pattern, flags)
        if rc != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            regerror(rc, compiled, &buffer, buffer.count)
            compiled.deallocate()
            let reason = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw FilterSpecError("invalid regular expression '\(pattern)': \(reason)")
        }
        re = compiled
    }

    deinit {
        regfree(re)
        re.deallocate()
    }

    /// `text` gets a NUL appended (and removed again) for the C call.
    func matches(_ text: inout [UInt8]) -> Bool {
        text.append(0)
        defer { text.removeLast() }
        return text.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { regexec(re, $0, 0, nil, 0) == 0 }
        }
    }
}
