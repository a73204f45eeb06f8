/// A bound on what a POSIX extended regular expression asks glibc's `regcomp` to build.
///
/// Found by fuzz-where: `regcomp` takes time and memory exponential in the number of repetition
/// operators stacked on one another (`a++++++++++++++++++++`, `((((a+)+)+)+)+…`: 20 levels took
/// seconds and gigabytes), and intervals multiply the automaton (`((a{1,255}){1,255}){1,255}`).
/// POSIX leaves adjacent duplication symbols undefined anyway; patterns a filter needs stay far below
/// these limits.
enum RegexComplexity {
    static let maxStackedRepetitions = 4
    static let maxIntervalProduct = 10_000

    /// Nil when the pattern is within the limits, else why not.
    static func problem(_ pattern: [UInt8]) -> String? {
        struct Atom { var depth = 0; var factor = 1 }
        var frames: [Atom] = [Atom()]       // per open group: the largest depth/factor inside it
        var last: Atom? = nil               // the atom a repetition operator would apply to
        var i = 0
        func note(_ a: Atom) {
            frames[frames.count - 1].depth = max(frames[frames.count - 1].depth, a.depth)
            frames[frames.count - 1].factor = max(frames[frames.count - 1].factor, a.factor)
        }
        func repeated(_ times: Int) -> String? {
            guard var a = last else { return nil }   // nothing to repeat: regcomp decides
            a.depth += 1
            a.factor = a.factor.multipliedReportingOverflow(by: max(1, times)).overflow ? Int.max : a.factor * max(1, times)
            if a.depth > maxStackedRepetitions {
                return "more than \(maxStackedRepetitions) repetition operators applied on top of one another"
            }
            if a.factor > maxIntervalProduct {
                return "nested {m,n} intervals repeat a part more than \(maxIntervalProduct) times"
            }
            last = a
            note(a)
            return nil
        }
        while i < pattern.count {
            let c = pattern[i]
            switch c {
            case UInt8(ascii: "\\"):
                i += 2; last = Atom(); continue
            case UInt8(ascii: "["):
                // A bracket expression: ']' right after '[' or '[^' is literal; [:class:], [=x=], [.x.] nest.
                var k = i + 1
                if k < pattern.count, pattern[k] == UInt8(ascii: "^") { k += 1 }
                if k < pattern.count, pattern[k] == UInt8(ascii: "]") { k += 1 }
                while k < pattern.count, pattern[k] != UInt8(ascii: "]") {
                    if pattern[k] == UInt8(ascii: "["), k + 1 < pattern.count,
                       [UInt8(ascii: ":"), UInt8(ascii: "="), UInt8(ascii: ".")].contains(pattern[k + 1]) {
                        let delimiter = pattern[k + 1]
                        k += 2
                        while k + 1 < pattern.count, !(pattern[k] == delimiter && pattern[k + 1] == UInt8(ascii: "]")) { k += 1 }
                        k += 2
                    } else {
                        k += 1
                    }
                }
                i = k + 1; last = Atom(); continue
            case UInt8(ascii: "("):
                frames.append(Atom()); last = nil
            case UInt8(ascii: ")"):
                if frames.count > 1 { last = frames.removeLast(); note(last!) } else { last = Atom() }
            case UInt8(ascii: "|"):
                last = nil
            case UInt8(ascii: "*"), UInt8(ascii: "+"):
                if let p = repeated(1) { return p }
            case UInt8(ascii: "?"):
                if let p = repeated(1) { return p }
            case UInt8(ascii: "{"):
                // {m}, {m,}, {m,n}: the larger bound (or m + 1 when unbounded) counts.
                var k = i + 1, m = 0, n = 0, comma = false, nDigits = 0, digits = 0
                while k < pattern.count, pattern[k] != UInt8(ascii: "}") {
                    let d = pattern[k]
                    if d == UInt8(ascii: ","), !comma { comma = true }
                    else if d >= 48, d <= 57, digits < 6 {
                        digits += 1
                        if comma { n = n * 10 + Int(d - 48); nDigits += 1 } else { m = m * 10 + Int(d - 48) }
                    } else { break }
                    k += 1
                }
                guard k < pattern.count, pattern[k] == UInt8(ascii: "}") else { last = Atom(); i += 1; continue }
                let times = !comma ? m : (nDigits == 0 ? m + 1 : max(m, n))
                if let p = repeated(times) { return p }
                i = k + 1; continue
            default:
                last = Atom(); note(Atom())
            }
            i += 1
        }
        return nil
    }
}
