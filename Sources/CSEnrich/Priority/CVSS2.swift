/// CVSS v2.0 base score (FIRST, "A Complete Guide to the Common Vulnerability Scoring System Version 2.0", 3.2.1).
enum CVSS2 {
    static let known: [Substring: [String]] = [
        "AV": ["L", "A", "N"], "AC": ["H", "M", "L"], "Au": ["M", "S", "N"],
        "C": ["N", "P", "C"], "I": ["N", "P", "C"], "A": ["N", "P", "C"],
        // Temporal and environmental metrics may follow; they do not change the base score.
        "E": ["U", "POC", "F", "H", "ND"], "RL": ["OF", "TF", "W", "U", "ND"], "RC": ["UC", "UR", "C", "ND"],
        "CDP": ["N", "L", "LM", "MH", "H", "ND"], "TD": ["N", "L", "M", "H", "ND"],
        "CR": ["L", "M", "H", "ND"], "IR": ["L", "M", "H", "ND"], "AR": ["L", "M", "H", "ND"],
    ]

    static func score(_ m: [Substring: Substring]) throws(CVSSError) -> Double {
        try CVSS.checkKnown(m, known)
        let av: Double = switch try CVSS.value(m, "AV", ["L", "A", "N"]) { case "L": 0.395; case "A": 0.646; default: 1.0 }
        let ac: Double = switch try CVSS.value(m, "AC", ["H", "M", "L"]) { case "H": 0.35; case "M": 0.61; default: 0.71 }
        let au: Double = switch try CVSS.value(m, "Au", ["M", "S", "N"]) { case "M": 0.45; case "S": 0.56; default: 0.704 }
        func cia(_ key: Substring) throws(CVSSError) -> Double {
            switch try CVSS.value(m, key, ["N", "P", "C"]) { case "N": 0; case "P": 0.275; default: 0.660 }
        }
        let c = try cia("C"), i = try cia("I"), a = try cia("A")
        let impact = 10.41 * (1 - (1 - c) * (1 - i) * (1 - a))
        let exploitability = 20 * av * ac * au
        let f = impact == 0 ? 0 : 1.176
        return max(0, CVSS.roundHalfUp1((0.6 * impact + 0.4 * exploitability - 1.5) * f))
    }
}
