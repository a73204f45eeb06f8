/// The generated tables (ATTACKTables.swift: one string per table, a row per line, "|" between fields,
/// ";" inside a list field) parsed into objects once, on first use.
enum ATTACKData {
    static let tactics: [Tactic] = rows(ATTACKTables.tacticRows).map { f in
        Tactic(f[0], f[1], f[2], f[3])
    }

    static let techniques: [Technique] = rows(ATTACKTables.techniqueRows).map { f in
        let id = f[0], flags = f[3]
        let url = f[4].isEmpty ? "https://attack.mitre.org/techniques/" + String(id.map { $0 == "." ? "/" : $0 }) : f[4]
        return Technique(id, f[1], list(f[2]), sub: flags.contains("s"), revoked: flags.contains("r"),
                         deprecated: flags.contains("d"), url)
    }

    static let groups: [Group] = rows(ATTACKTables.groupRows).map { f in
        Group(f[0], f[1], list(f[2]), revoked: f[3].contains("r"), deprecated: f[3].contains("d"))
    }

    static let software: [Software] = rows(ATTACKTables.softwareRows).map { f in
        Software(f[0], f[1], Software.Kind(rawValue: f[2]) ?? .tool, list(f[3]),
                 revoked: f[4].contains("r"), deprecated: f[4].contains("d"))
    }

    /// Rows of a table: lines, leading indentation dropped, split at "|" (empty fields kept).
    /// Works on UTF-8 bytes: splitting Characters made start-up several times slower.
    static func rows(_ table: String) -> [[String]] {
        var rows: [[String]] = []
        var table = table
        table.withUTF8 { b in
            var fields: [String] = []
            var start = 0, i = 0
            var lineStart = true
            while i <= b.count {
                let c: UInt8 = i < b.count ? b[i] : 0x0A
                if lineStart && c == 0x20 { i += 1; start = i; continue }
                lineStart = false
                if c == UInt8(ascii: "|") || c == 0x0A {
                    fields.append(String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self))
                    start = i + 1
                    if c == 0x0A {
                        if fields.count > 1 || !(fields.first?.isEmpty ?? true) { rows.append(fields) }
                        fields = []
                        lineStart = true
                    }
                }
                i += 1
            }
        }
        return rows
    }

    static func list(_ field: String) -> [String] {
        guard !field.isEmpty else { return [] }
        return field.utf8.split(separator: UInt8(ascii: ";")).map { String(decoding: $0, as: UTF8.self) }
    }
}
