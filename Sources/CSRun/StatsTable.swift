/// `cs run --stats`: one row per stage with the counts each stage reported.
public enum StatsTable {
    public static func render(_ results: [PipelineRunner.StageResult]) -> String {
        var rows = [["#", "stage", "lines in", "records out", "rejected", "status"]]
        for (i, r) in results.enumerated() {
            let s = r.stats
            rows.append([String(i + 1), "cs-" + (r.step.stage.hasPrefix("cs-") ? String(r.step.stage.dropFirst(3)) : r.step.stage),
                         s?["lines_in"]?.intValue.map(String.init) ?? "-",
                         s?["records_out"]?.intValue.map(String.init) ?? "-",
                         s?["rejected"]?.intValue.map(String.init) ?? "-",
                         String(r.status)])
        }
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (c, cell) in row.enumerated() { widths[c] = max(widths[c], cell.count) } }
        return rows.map { row in
            row.enumerated().map { c, cell in
                c == 1 ? cell + String(repeating: " ", count: widths[c] - cell.count)
                       : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
