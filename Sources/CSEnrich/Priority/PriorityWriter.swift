import CSCore

extension PriorityEvidence {
    /// `{"feed_severity","severity_via","cvss_score","epss_score","cvss":[…],"ratings":[…],"kev":[…],"epss":[…]}`
    func write(feedSeverity: Severity?, severityVia: [String], to w: inout JSONWriter) {
        w.raw("{\"feed_severity\":")
        if let feedSeverity { w.string(feedSeverity.name) } else { w.raw("null") }
        w.raw(",\"severity_via\":"); w.strings(severityVia)
        w.raw(",\"cvss_score\":")
        if let top = cvss.map(\.score).max() { w.number(top) } else { w.raw("null") }
        w.raw(",\"epss_score\":")
        if let top = epss.map(\.score).max() { w.fraction(top) } else { w.raw("null") }
        w.raw(",\"cvss\":[")
        for (i, c) in cvss.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.raw("{\"version\":"); if let v = c.version { w.string(v) } else { w.raw("null") }
            w.raw(",\"vector\":"); if let v = c.vector { w.string(v) } else { w.raw("null") }
            w.raw(",\"score\":"); w.number(c.score)
            w.raw(",\"severity\":"); w.string(c.severity.name)
            w.raw(",\"via\":"); w.strings([c.via])
            w.byte(UInt8(ascii: "}"))
        }
        w.raw("],\"ratings\":[")
        for (i, r) in ratings.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.raw("{\"rating\":"); w.string(r.rating)
            w.raw(",\"severity\":"); w.string(r.severity.name)
            w.raw(",\"via\":"); w.strings([r.via])
            w.byte(UInt8(ascii: "}"))
        }
        w.raw("],\"kev\":[")
        for (i, k) in kev.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.raw("{\"cve\":"); w.string(k.cve)
            w.raw(",\"date_added\":"); w.optional(k.dateAdded)
            w.raw(",\"due_date\":"); w.optional(k.dueDate)
            w.raw(",\"known_ransomware_campaign_use\":"); w.optional(k.knownRansomwareCampaignUse)
            w.raw(",\"required_action\":"); w.optional(k.requiredAction)
            w.raw(",\"via\":"); w.strings(["kev:" + k.cve])
            w.byte(UInt8(ascii: "}"))
        }
        w.raw("],\"epss\":[")
        for (i, s) in epss.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.raw("{\"cve\":"); w.string(s.cve)
            w.raw(",\"score\":"); w.fraction(s.score)
            w.raw(",\"percentile\":"); w.fraction(s.percentile)
            w.raw(",\"date\":"); w.optional(s.date)
            w.raw(",\"via\":"); w.strings(["epss:" + s.cve])
            w.byte(UInt8(ascii: "}"))
        }
        w.raw("]}")
    }
}

extension JSONWriter {
    mutating func optional(_ s: String?) {
        if let s { string(s) } else { raw("null") }
    }

    /// A CVSS score with one decimal: 9.8, 10.0, 0.0.
    mutating func number(_ score: Double) {
        bytes.append(contentsOf: CVSSScore.format(score).utf8)
    }

    /// An EPSS probability as FIRST writes it (five decimals at most), without trailing zeros: 0.94321, 0.0004, 1.0.
    mutating func fraction(_ v: Double) {
        let scaled = Int((v * 100_000).rounded())
        if scaled >= 100_000 { raw("1.0"); return }
        var digits = Array(String(scaled).utf8)
        while digits.count < 5 { digits.insert(UInt8(ascii: "0"), at: 0) }
        while digits.count > 1, digits.last == UInt8(ascii: "0") { digits.removeLast() }
        raw("0.")
        bytes.append(contentsOf: digits)
    }
}
