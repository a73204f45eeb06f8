/// CVSS v4.0 score (FIRST, CVSS v4.0 Specification, section 8): the vector's macrovector (EQ1…EQ6) gives the
/// score of its highest-severity vector from FIRST's table (CVSS4Table.swift); the score moves down from it by
/// the vector's mean proportional severity distance to that vector, as FIRST's reference calculator does.
/// Threat and environmental metrics in the vector are honoured (the score is then CVSS-BT/BE/BTE).
enum CVSS4 {
    static let known: [Substring: [String]] = [
        "AV": ["N", "A", "L", "P"], "AC": ["L", "H"], "AT": ["N", "P"], "PR": ["N", "L", "H"], "UI": ["N", "P", "A"],
        "VC": ["H", "L", "N"], "VI": ["H", "L", "N"], "VA": ["H", "L", "N"],
        "SC": ["H", "L", "N"], "SI": ["H", "L", "N"], "SA": ["H", "L", "N"],
        "E": ["X", "A", "P", "U"], "CR": ["X", "H", "M", "L"], "IR": ["X", "H", "M", "L"], "AR": ["X", "H", "M", "L"],
        "MAV": ["X", "N", "A", "L", "P"], "MAC": ["X", "L", "H"], "MAT": ["X", "N", "P"], "MPR": ["X", "N", "L", "H"],
        "MUI": ["X", "N", "P", "A"], "MVC": ["X", "H", "L", "N"], "MVI": ["X", "H", "L", "N"], "MVA": ["X", "H", "L", "N"],
        "MSC": ["X", "H", "L", "N"], "MSI": ["X", "S", "H", "L", "N"], "MSA": ["X", "S", "H", "L", "N"],
        // Supplemental metrics: no effect on the score.
        "S": ["X", "N", "P"], "AU": ["X", "N", "Y"], "R": ["X", "A", "U", "I"], "V": ["X", "D", "C"],
        "RE": ["X", "L", "M", "H"], "U": ["X", "Clear", "Green", "Amber", "Red"],
    ]

    static let base: [Substring] = ["AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"]

    /// Severity-distance levels of each metric's values (lower is more severe).
    static let levels: [Substring: [Substring: Double]] = [
        "AV": ["N": 0.0, "A": 0.1, "L": 0.2, "P": 0.3], "PR": ["N": 0.0, "L": 0.1, "H": 0.2], "UI": ["N": 0.0, "P": 0.1, "A": 0.2],
        "AC": ["L": 0.0, "H": 0.1], "AT": ["N": 0.0, "P": 0.1],
        "VC": ["H": 0.0, "L": 0.1, "N": 0.2], "VI": ["H": 0.0, "L": 0.1, "N": 0.2], "VA": ["H": 0.0, "L": 0.1, "N": 0.2],
        "SC": ["H": 0.1, "L": 0.2, "N": 0.3], "SI": ["S": 0.0, "H": 0.1, "L": 0.2, "N": 0.3], "SA": ["S": 0.0, "H": 0.1, "L": 0.2, "N": 0.3],
        "CR": ["H": 0.0, "M": 0.1, "L": 0.2], "IR": ["H": 0.0, "M": 0.1, "L": 0.2], "AR": ["H": 0.0, "M": 0.1, "L": 0.2],
    ]

    static func score(_ given: [Substring: Substring]) throws(CVSSError) -> Double {
        try CVSS.checkKnown(given, known)
        for key in base where given[key] == nil { throw CVSSError("missing metric \(key)") }
        // The effective value of a metric: a modified metric overrides the base one; E, CR, IR, AR default
        // to their worst case.
        func m(_ key: Substring) -> Substring {
            let v = given[key] ?? "X"
            switch key {
            case "E": return v == "X" ? "A" : v
            case "CR", "IR", "AR": return v == "X" ? "H" : v
            default:
                if let mod = given["M" + key], mod != "X" { return mod }
                return v
            }
        }
        if ["VC", "VI", "VA", "SC", "SI", "SA"].allSatisfy({ m($0) == "N" }) { return 0 }

        let eq1 = m("AV") == "N" && m("PR") == "N" && m("UI") == "N" ? 0
            : ((m("AV") == "N" || m("PR") == "N" || m("UI") == "N") && m("AV") != "P" ? 1 : 2)
        let eq2 = m("AC") == "L" && m("AT") == "N" ? 0 : 1
        let eq3 = m("VC") == "H" && m("VI") == "H" ? 0 : (m("VC") == "H" || m("VI") == "H" || m("VA") == "H" ? 1 : 2)
        let eq4 = given["MSI"] == "S" || given["MSA"] == "S" ? 0 : (m("SC") == "H" || m("SI") == "H" || m("SA") == "H" ? 1 : 2)
        let eq5 = m("E") == "A" ? 0 : (m("E") == "P" ? 1 : 2)
        let eq6 = (m("CR") == "H" && m("VC") == "H") || (m("IR") == "H" && m("VI") == "H") || (m("AR") == "H" && m("VA") == "H") ? 0 : 1

        func lookup(_ e: [Int]) -> Double? { CVSS4Table.macroScores[e.map(String.init).joined()] }
        guard let value = lookup([eq1, eq2, eq3, eq4, eq5, eq6]) else {
            throw CVSSError("no macrovector \(eq1)\(eq2)\(eq3)\(eq4)\(eq5)\(eq6)")
        }

        // The scores of the next lower macrovector along each EQ (nil where there is none).
        let lowerEQ1 = lookup([eq1 + 1, eq2, eq3, eq4, eq5, eq6])
        let lowerEQ2 = lookup([eq1, eq2 + 1, eq3, eq4, eq5, eq6])
        let lowerEQ3EQ6: Double?
        switch (eq3, eq6) {
        case (0, 0):
            let left = lookup([eq1, eq2, eq3, eq4, eq5, eq6 + 1]), right = lookup([eq1, eq2, eq3 + 1, eq4, eq5, eq6])
            // The higher of the two paths (the calculator compares them; a missing one loses).
            if let l = left, let r = right { lowerEQ3EQ6 = l > r ? l : r } else { lowerEQ3EQ6 = right }
        case (1, 0): lowerEQ3EQ6 = lookup([eq1, eq2, eq3, eq4, eq5, eq6 + 1])
        case (0, 1), (1, 1): lowerEQ3EQ6 = lookup([eq1, eq2, eq3 + 1, eq4, eq5, eq6])
        default: lowerEQ3EQ6 = lookup([eq1, eq2, eq3 + 1, eq4, eq5, eq6 + 1])
        }
        let lowerEQ4 = lookup([eq1, eq2, eq3, eq4 + 1, eq5, eq6])
        let lowerEQ5 = lookup([eq1, eq2, eq3, eq4, eq5 + 1, eq6])

        // The severity distance of the vector from the first highest-severity vector of its macrovector that is
        // not less severe than it in any metric.
        var distance: [Substring: Double] = [:]
        search: for a in CVSS4Table.maxEQ1[eq1] {
            for b in CVSS4Table.maxEQ2[eq2] {
                for c in CVSS4Table.maxEQ3EQ6[eq3][eq6] {
                    for d in CVSS4Table.maxEQ4[eq4] {
                        for e in CVSS4Table.maxEQ5[eq5] {
                            let maxMetrics = (try? CVSS.metrics(Substring((a + b + c + d + e).dropLast()))) ?? [:]
                            distance = [:]
                            for (key, table) in levels {
                                distance[key] = table[m(key)]! - table[maxMetrics[key]!]!
                            }
                            if !distance.values.contains(where: { $0 < 0 }) { break search }
                        }
                    }
                }
            }
        }
        func d(_ k: Substring) -> Double { distance[k] ?? 0 }
        let current1 = d("AV") + d("PR") + d("UI")
        let current2 = d("AC") + d("AT")
        let current36 = d("VC") + d("VI") + d("VA") + d("CR") + d("IR") + d("AR")
        let current4 = d("SC") + d("SI") + d("SA")

        let step = 0.1
        var existing = 0
        var total = 0.0
        if let lower = lowerEQ1 {
            existing += 1
            total += (value - lower) * (current1 / (CVSS4Table.depthEQ1[eq1] * step))
        }
        if let lower = lowerEQ2 {
            existing += 1
            total += (value - lower) * (current2 / (CVSS4Table.depthEQ2[eq2] * step))
        }
        if let lower = lowerEQ3EQ6 {
            existing += 1
            total += (value - lower) * (current36 / (CVSS4Table.depthEQ3EQ6[eq3][eq6] * step))
        }
        if let lower = lowerEQ4 {
            existing += 1
            total += (value - lower) * (current4 / (CVSS4Table.depthEQ4[eq4] * step))
        }
        // EQ5's proportion is always 0: it counts towards the mean but moves nothing.
        if lowerEQ5 != nil { existing += 1 }
        let mean = existing == 0 ? 0 : total / Double(existing)
        return CVSS.roundHalfUp1(min(10, max(0, value - mean)))
    }
}
