#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The live "feeds done/total" line on a terminal's stderr, redrawn in place.
final class ProgressLine {
    private var shown: String?

    func show(done: Int, total: Int, bytes: Int, items: Int, failed: Int) {
        let text = "cs-fetch: \(done)/\(total) feeds, \(ProgressLine.size(bytes)), \(items) items, \(failed) failed"
        guard text != shown else { return }
        write("\r\u{1B}[K" + text)
        shown = text
    }

    /// Erases the line (before a diagnostic is written, and at the end).
    func clear() {
        guard shown != nil else { return }
        write("\r\u{1B}[K")
        shown = nil
    }

    private func write(_ text: String) {
        var text = text
        text.withUTF8 { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }

    static func size(_ bytes: Int) -> String {
        if bytes < 1 << 10 { return "\(bytes) B" }
        if bytes < 1 << 20 { return "\(bytes >> 10) KB" }
        return "\(bytes >> 20) MB"
    }
}
