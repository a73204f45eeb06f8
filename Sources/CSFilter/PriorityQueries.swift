import CSCore

/// `--kev`, `--epss-min`, `--cvss-min`: tests on the `priority` member cs-enrich writes. A record without it
/// (not enriched) matches none of them.
enum PriorityQueries {
    static func tests(_ spec: FilterSpec) throws(FilterSpecError) -> [RecordTest] {
        var tests: [RecordTest] = []
        if spec.kev {
            tests.append { r in
                guard let kev = r.value("priority")?.member("kev") else { return false }
                var listed = false
                kev.forEachElement { _ in listed = true; return false }
                return listed
            }
        }
        if let min = spec.epssMin {
            guard min >= 0, min <= 1 else { throw FilterSpecError("--epss-min: expected a probability from 0 to 1, not \(min)") }
            tests.append { r in (r.value("priority")?.member("epss_score")?.number).map { $0 >= min } ?? false }
        }
        if let min = spec.cvssMin {
            guard min >= 0, min <= 10 else { throw FilterSpecError("--cvss-min: expected a score from 0.0 to 10.0, not \(min)") }
            tests.append { r in (r.value("priority")?.member("cvss_score")?.number).map { $0 >= min - 1e-9 } ?? false }
        }
        return tests
    }
}
