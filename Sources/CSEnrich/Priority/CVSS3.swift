/// CVSS v3.0 and v3.1 base score (FIRST, CVSS v3.1 Specification, section 7.1 and Appendix A).
enum CVSS3 {
    static let known: [Substring: [String]] = [
        "AV": ["N", "A", "L", "P"], "AC": ["L", "H"], "PR": ["N", "L", "H"], "UI": ["N", "R"], "S": ["U", "C"],
        "C": ["H", "L", "N"], "I": ["H", "L", "N"], "A": ["H", "L", "N"],
        // Temporal and environmental metrics may follow; they do not change the base score.
        "E": ["X", "H", "F", "P", "U"], "RL": ["X", "U", "W", "T", "O"], "RC": ["X", "C", "R", "U"],
        "CR": ["X", "H", "M", "L"], "IR": ["X", "H", "M", "L"], "AR": ["X", "H", "M", "L"],
        "MAV": ["X", "N", "A", "L", "P"], "MAC": ["X", "L", "H"], "MPR": ["X", "N", "L", "H"], "MUI": ["X", "N", "R"],
        "MS": ["X", "U", "C"], "MC": ["X", "H", "L", "N"], "MI": ["X", "H", "L", "N"], "MA": ["X", "H", "L", "N"],
    ]

    static func score(_ m: [Substring: Substring]) throws(CVSSError) -> Double {
        try CVSS.checkKnown(m, known)
        let changed = try CVSS.value(m, "S", ["U", "C"]) == "C"
        let av: Double = switch try CVSS.value(m, "AV", ["N", "A", "L", "P"]) { case "N": 0.85; case "A": 0.62; case "L": 0.55; default: 0.2 }
        let ac: Double = try CVSS.value(m, "AC", ["L", "H"]) == "L" ? 0.77 : 0.44
        let pr: Double = switch try CVSS.value(m, "PR", ["N", "L", "H"]) {
        case "N": 0.85
        case "L": changed ? 0.68 : 0.62
        default: changed ? 0.5 : 0.27
        }
        let ui: Double = try CVSS.value(m, "UI", ["N", "R"]) == "N" ? 0.85 : 0.62
        func cia(_ key: Substring) throws(CVSSError) -> Double {
            switch try CVSS.value(m, key, ["H", "L", "N"]) { case "H": 0.56; case "L": 0.22; default: 0 }
        }
        let c = try cia("C"), i = try cia("I"), a = try cia("A")
        let iss = 1 - (1 - c) * (1 - i) * (1 - a)
        let impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow15(iss - 0.02) : 6.42 * iss
        let exploitability = 8.22 * av * ac * pr * ui
        if impact <= 0 { return 0 }
        return roundUp(min(changed ? 1.08 * (impact + exploitability) : impact + exploitability, 10))
    }

    /// The specification's Roundup (v3.1 Appendix A): the smallest one-decimal number not below the
    /// input, computed on integers so that 4.000000000000001 gives 4.0. Used for v3.0 as well.
    static func roundUp(_ x: Double) -> Double {
        let i = Int((x * 100_000).rounded())
        if i % 10_000 == 0 { return Double(i) / 100_000 }
        return Double(i / 10_000 + 1) / 10
    }

    private static func pow15(_ x: Double) -> Double {
        var r = 1.0
        for _ in 0..<15 { r *= x }
        return r
    }
}
