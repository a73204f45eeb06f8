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
    static func rows(_ table: String) -> [[String]] {
        table.split(separator: "\n").map { line in
            line.drop(while: { $0 == " " }).split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        }
    }

    static func list(_ field: String) -> [String] {
        field.split(separator: ";").map(String.init)
    }
}
