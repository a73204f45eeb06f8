#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The C library's POSIX extended regex (`regcomp`/`regexec`, C locale), which cs-filter used before
/// its own linear-time engine: the reference the differential tests compare that engine against.
final class POSIXReference {
    private let re = UnsafeMutablePointer<regex_t>.allocate(capacity: 1)
    private var compiled = false

    /// Nil when regcomp refuses the pattern.
    init?(_ pattern: String, caseInsensitive: Bool) {
        let flags = REG_EXTENDED | REG_NOSUB | (caseInsensitive ? REG_ICASE : 0)
        guard regcomp(re, pattern, flags) == 0 else { re.deallocate(); return nil }
        compiled = true
    }

    deinit {
        if compiled {
            regfree(re)
            re.deallocate()
        }
    }

    /// `text` must not contain NUL (regexec stops there).
    func matches(_ text: [UInt8]) -> Bool {
        var terminated = text
        terminated.append(0)
        return terminated.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { regexec(re, $0, 0, nil, 0) == 0 }
        }
    }
}
