#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// RFC 5424 messages for advisories:
/// `<PRI>1 TIMESTAMP HOSTNAME cs-sink PROCID advisory [cs@32473 id=".." uid=".." severity=".." tactics=".."] TITLE`
///
/// The structured-data element `cs@32473` (32473 is the enterprise number RFC 5612 reserves for
/// documentation and examples) carries id, uid, severity, tactics and techniques (ATT&CK IDs,
/// comma-separated), cves, url and published. PRI is the facility with a severity from the
/// advisory's: critical 2 (crit), high 3 (err), medium 4 (warning), low 5 (notice), info or
/// unrated 6 (info). MSG is the title, without a BOM, control characters as spaces.
///
/// Size: a message longer than `maxBytes` has its MSG (the title) cut at a character boundary and
/// ended with "…"; when even the header and structured data alone pass the limit, the record is
/// refused (dead-lettered) rather than sent in pieces.
struct SyslogMessage {
    static let sdID = "cs@32473"
    let facility: Int
    let hostname: String
    let procID: String
    let maxBytes: Int

    init(facility: Int, maxBytes: Int) {
        self.facility = facility
        self.maxBytes = maxBytes
        var buf = [CChar](repeating: 0, count: 256)
        let name = gethostname(&buf, 255) == 0 ? String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        // HOSTNAME is 1-255 printable ASCII characters without spaces; NILVALUE otherwise.
        let clean = name.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
        hostname = name.isEmpty || !clean ? "-" : name
        procID = String(getpid())
    }

    static func severityCode(_ s: Severity?) -> Int {
        switch s {
        case .critical?: return 2
        case .high?: return 3
        case .medium?: return 4
        case .low?: return 5
        default: return 6
        }
    }

    func encode(_ r: RecordScanner, timestamp: String) -> Result<[UInt8], EncodeError> {
        let summary = AdvisorySummary(r, sequence: 0, withSummary: false)
        let pri = facility * 8 + SyslogMessage.severityCode(summary.severity)
        var params: [(String, String)] = []
        if let id = r.value("id")?.string { params.append(("id", id)) }
        if let uid = summary.uid { params.append(("uid", uid)) }
        if let s = summary.severity { params.append(("severity", s.name)) }
        if !summary.tactics.isEmpty { params.append(("tactics", summary.tactics.map(\.id).joined(separator: ","))) }
        if !summary.techniques.isEmpty { params.append(("techniques", summary.techniques.map(\.id).joined(separator: ","))) }
        if !summary.cves.isEmpty { params.append(("cves", summary.cves.joined(separator: ","))) }
        if let url = summary.url { params.append(("url", url)) }
        if let p = summary.published { params.append(("published", p)) }

        var out = Array("<\(pri)>1 \(timestamp) \(hostname) cs-sink \(procID) advisory [\(SyslogMessage.sdID)".utf8)
        for (name, value) in params {
            out.append(contentsOf: Array(" \(name)=\"".utf8))
            out.append(contentsOf: SyslogMessage.paramValue(value))
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "]"))
        let title = SyslogMessage.plain(summary.title)
        guard !title.isEmpty else { return .success(out) }
        guard out.count + 1 < maxBytes else {
            return .failure(EncodeError(.resourceExhausted,
                "syslog message would take \(out.count) bytes before its text, over the limit of \(maxBytes) (--max-message)"))
        }
        out.append(UInt8(ascii: " "))
        let room = maxBytes - out.count
        if title.count <= room {
            out.append(contentsOf: title)
        } else {
            out.append(contentsOf: SyslogMessage.prefix(title, bytes: room - 3))
            out.append(contentsOf: [0xE2, 0x80, 0xA6])  // "…"
        }
        return .success(out)
    }

    /// PARAM-VALUE: `"`, `\` and `]` escaped with a backslash (RFC 5424 §6.3.3); control
    /// characters (C0, DEL, C1) as spaces.
    static func paramValue(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        for b in ControlCharacters.spaced(s).utf8 {
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "]"):
                out.append(UInt8(ascii: "\\")); out.append(b)
            default: out.append(b)
            }
        }
        return out
    }

    /// MSG text: one line, control characters (C0, DEL, C1) as spaces.
    static func plain(_ s: String) -> [UInt8] {
        Array(ControlCharacters.spaced(s).utf8)
    }

    /// At most `bytes` bytes of UTF-8 text, never ending inside a character.
    static func prefix(_ text: [UInt8], bytes: Int) -> [UInt8] {
        guard bytes > 0 else { return [] }
        var end = min(bytes, text.count)
        while end > 0, end < text.count, text[end] & 0xC0 == 0x80 { end -= 1 }
        return Array(text[..<end])
    }

    /// RFC 6587 octet counting: `LENGTH SP MESSAGE`.
    static func octetCounted(_ message: [UInt8]) -> [UInt8] {
        Array("\(message.count) ".utf8) + message
    }

    /// Facility names of RFC 5424 §6.2.1 (and their numbers).
    static let facilities: [String: Int] = [
        "kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5, "lpr": 6, "news": 7, "uucp": 8, "cron": 9,
        "authpriv": 10, "ftp": 11, "ntp": 12, "security": 13, "console": 14, "solaris-cron": 15,
        "local0": 16, "local1": 17, "local2": 18, "local3": 19, "local4": 20, "local5": 21, "local6": 22, "local7": 23,
    ]
}
