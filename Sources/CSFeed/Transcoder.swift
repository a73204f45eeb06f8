#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A legacy-encoded document (EUC-JP, Shift_JIS, GB18030, windows-1252, KOI8-R, ...) converted to UTF-8
/// with the C library's iconv, chunk by chunk, before the XML parser sees it. libxml2 converts such
/// documents itself, but stops at the first byte its converter rejects and loses the rest of the
/// document; here such a byte becomes U+FFFD, is counted, and parsing goes on.
///
/// The iconv descriptor is opened in `init` and closed in `deinit`, nowhere else.
final class Transcoder {
    /// The encoding as the document or the HTTP header named it.
    let encoding: String
    /// Bytes that could not be converted and were replaced by U+FFFD.
    private(set) var replaced = 0
    private let descriptor: iconv_t
    /// windows-1252 leaves five bytes undefined; the WHATWG Encoding Standard maps them to the C1
    /// controls of the same value, and so does cs.
    private let isWindows1252: Bool
    /// The start of a multi-byte sequence cut off at the end of the previous chunk.
    private var pending: [UInt8] = []
    private var scratch = [UInt8](repeating: 0, count: 64 << 10)

    /// nil when iconv does not know the encoding (libxml2 is then left to try).
    init?(from encoding: String) {
        let name = Transcoder.iconvName(encoding)
        let cd = iconv_open("UTF-8", name)
        if cd == iconv_t(bitPattern: -1) { return nil }
        descriptor = cd!
        self.encoding = encoding
        isWindows1252 = name == "WINDOWS-1252"
    }

    deinit { iconv_close(descriptor) }

    /// True when cs converts documents in `encoding` itself: every encoding but UTF-8 (and US-ASCII, read
    /// as UTF-8) and the UTF-16/32 family, which libxml2 reads without loss.
    static func applies(to encoding: String?) -> Bool {
        guard let e = encoding?.lowercased() else { return false }
        return !(Charset.isUTF8(e) || Charset.isASCII(e) || e.hasPrefix("utf-16") || e.hasPrefix("utf-32")
                 || e.hasPrefix("ucs-") || e == "utf16" || e == "utf32" || e.hasPrefix("iso-10646-ucs"))
    }

    /// iconv's name for a label feeds use. ISO-8859-1 is read as windows-1252, the Encoding Standard's
    /// rule: the two differ only in 0x80-0x9F, where ISO-8859-1 has controls nobody writes and feeds
    /// labelled ISO-8859-1 carry windows-1252's smart quotes and euro sign. Other labels are given to
    /// iconv as they are (it knows the common aliases).
    static func iconvName(_ label: String) -> String {
        switch label.lowercased() {
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "cp819", "ibm819",
             "iso-ir-100", "csisolatin1", "windows-1252", "cp1252", "x-cp1252": return "WINDOWS-1252"
        case "x-sjis", "sjis", "shift-jis", "ms_kanji", "windows-31j", "csshiftjis": return "SHIFT_JIS"
        case "x-euc-jp", "cseucpkdfmtjapanese": return "EUC-JP"
        case "gb2312", "gbk", "x-gbk", "cp936", "csgb2312", "chinese": return "GB18030"
        case "big5", "x-x-big5", "cn-big5", "csbig5": return "BIG5-HKSCS"
        case "ks_c_5601-1987", "euc-kr", "cseuckr", "windows-949": return "CP949"
        default: return label.uppercased()
        }
    }

    /// Converts `input` and appends the UTF-8 to `out`. Unless `final`, a sequence cut off at the end of
    /// `input` is kept for the next call.
    func convert(_ input: UnsafeRawBufferPointer, final: Bool, into out: inout [UInt8]) {
        if pending.isEmpty {
            run(input, final: final, into: &out)
        } else {
            var joined = pending
            pending.removeAll()
            joined.append(contentsOf: input)
            joined.withUnsafeBytes { run($0, final: final, into: &out) }
        }
        if final {
            // Return to the initial shift state (stateful encodings such as ISO-2022-JP).
            scratch.withUnsafeMutableBytes { buffer in
                var outPointer: UnsafeMutablePointer<CChar>? = buffer.baseAddress!.assumingMemoryBound(to: CChar.self)
                var outLeft = buffer.count
                _ = iconv(descriptor, nil, nil, &outPointer, &outLeft)
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<(buffer.count - outLeft)]))
            }
        }
    }

    /// The whole of a document at once.
    func convertAll(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count + input.count / 2)
        convert(input, final: true, into: &out)
        return out
    }

    private func run(_ input: UnsafeRawBufferPointer, final: Bool, into out: inout [UInt8]) {
        guard let start = input.baseAddress else { return }
        // iconv's input pointer is not const in its C declaration; it only reads through it.
        var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(mutating: start.assumingMemoryBound(to: CChar.self))
        var inLeft = input.count
        scratch.withUnsafeMutableBytes { buffer in
            while inLeft > 0 {
                var outPointer: UnsafeMutablePointer<CChar>? = buffer.baseAddress!.assumingMemoryBound(to: CChar.self)
                var outLeft = buffer.count
                let result = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                let failure = result == -1 ? errno : 0
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<(buffer.count - outLeft)]))
                if result != -1 { break }
                switch failure {
                case E2BIG:
                    continue   // the scratch buffer was full: go on
                case EINVAL where !final:
                    // A sequence cut off by the end of this chunk: finish it with the next one.
                    pending = Array(UnsafeRawBufferPointer(start: inPointer, count: inLeft))
                    inLeft = 0
                default:
                    // EILSEQ (a byte the encoding does not define), or EINVAL at the very end.
                    let byte = UInt8(bitPattern: inPointer!.pointee)
                    if isWindows1252, byte == 0x81 || byte == 0x8D || byte == 0x8F || byte == 0x90 || byte == 0x9D {
                        out.append(contentsOf: [0xC2, byte])   // U+0081 and the like
                    } else {
                        out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                        replaced += 1
                    }
                    inPointer! += 1
                    inLeft -= 1
                }
            }
        }
    }
}
