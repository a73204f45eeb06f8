#if canImport(Glibc)
import Glibc
#endif

/// An item's HTML read the way libxml2 2.9.14's HTML parser (RECOVER, NOIMPLIED off) reads it, for the
/// events the text walker needs: start tags (lowercase name, a heading's `id`), end tags (implied ones
/// included) and character data with references decoded. It works on the UTF-8 bytes, allocates nothing
/// per tag, and builds no tree: only the stack of open elements, which decides the implied ends.
///
/// What is imitated, because it changes the text or the sections (the libxml2 function in brackets):
/// - implied `<html>`, `<head>`, `<body>` and `<p>` around text at the top (htmlCheckImplied,
///   htmlCheckParagraph), and whitespace there that libxml2 calls blank (areBlanks, with no tree);
/// - start tags closing open elements (htmlAutoClose, table in HTMLAutoClose), end tags closing what was
///   opened inside them unless a higher-priority element is in the way (htmlAutoCloseOnClose), end tags
///   with nothing open of their name ignored, empty elements, `/>`;
/// - misplaced `<html>`, `<head>`, `<body>` dropped, and their end tags once each;
/// - `script` and `style` read as raw text up to `</name`; comments (`-->`, `--!>`), `<?...>`,
///   `<!DOCTYPE>` dropped; any other `<` that starts no tag is text (so `<![CDATA[x]]>` stays text);
/// - references: the named ones libxml2 knows (HTMLEntities), `&#...;` and `&#x...;` (a value that is
///   not an XML character is dropped, as libxml2 does), anything else stays text;
/// - characters that are not XML characters (C0 controls but tab, LF, CR; U+FFFE, U+FFFF) dropped.
/// One difference on purpose: input is read up to its first NUL byte (libxml2 stops there in most
/// places too); feed text cannot contain NUL (XML forbids it, jansson refuses `\u0000`).
///
/// Callers keep one per thread: the input copy and the element stack are reused.
final class HTMLParser {
    private var input: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var stack: [HTMLReader.Element] = []
    private let tables = HTMLReader.Tables()

    init() {
        capacity = 4096
        input = .allocate(capacity: capacity + HTMLReader.padding)
        stack.reserveCapacity(64)
    }

    deinit { input.deallocate() }

    /// The collector of the last parse, reused (its builders keep their storage).
    private var collector = HTMLTextCollector()

    /// The text and sections of an HTML fragment (HTMLText.extract).
    func extract(_ html: String) -> (text: String, sections: Sections) {
        var html = html
        let end = html.withUTF8 { load($0) }
        stack.removeAll(keepingCapacity: true)
        collector.reset()
        var reader = HTMLReader(input: input, end: end, stack: stack, collector: collector, tables: tables)
        stack = []
        collector = HTMLTextCollector(capacity: 0)
        reader.document()
        reader.collector.endSection()
        let result = (reader.collector.text.text, reader.collector.sections)
        stack = reader.stack
        collector = reader.collector
        return result
    }

    /// Copies the bytes into the reusable buffer, zero-padded; returns where the text ends (its first NUL).
    private func load(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        if bytes.count > capacity {
            input.deallocate()
            capacity = max(bytes.count, capacity * 2)
            input = .allocate(capacity: capacity + HTMLReader.padding)
        }
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            input.initialize(repeating: 0, count: HTMLReader.padding)
            return 0
        }
        input.update(from: base, count: bytes.count)
        (input + bytes.count).initialize(repeating: 0, count: HTMLReader.padding)
        if let nul = memchr(input, 0, bytes.count) { return input.distance(to: nul.assumingMemoryBound(to: UInt8.self)) }
        return bytes.count
    }
}
