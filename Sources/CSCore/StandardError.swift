#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Writes `text` to stderr with write(2) (no stdio buffering, no shared C `stderr` global).
public func writeStandardError(_ text: String) {
    var text = text
    text.withUTF8 { _ = writeAll(2, UnsafeRawBufferPointer($0)) }
}
