/// What a user asked cs-filter to select, as given on the command line (before compiling).
///
/// Different criteria AND together; the values of one repeated flag OR together; each `not*`
/// list excludes records matching any of its values. `wheres` AND together.
public struct FilterSpec: Sendable {
    /// `--sev` ranges (see `SeverityRange`); a record passes when its severity is in any of them.
    public var severities: [String] = []
    /// With `--sev`, also keep records whose severity is null or missing.
    public var includeUnrated = false
    public var tags: [String] = [], notTags: [String] = []
    public var tactics: [String] = [], notTactics: [String] = []
    public var techniques: [String] = [], notTechniques: [String] = []
    /// `--min-confidence`: a technique only a model mapped counts for the technique and tactic criteria
    /// when its score is at least this (ModelConfidence).
    public var minConfidence: Double? = nil
    public var cves: [String] = [], notCves: [String] = []
    public var vendors: [String] = [], notVendors: [String] = []
    public var products: [String] = [], notProducts: [String] = []
    public var actors: [String] = [], notActors: [String] = []
    public var types: [String] = [], notTypes: [String] = []
    /// true: `exploited` is true; false: `exploited` is not true (false or unknown).
    public var exploited: Bool? = nil
    public var since: String? = nil
    public var until: String? = nil
    /// The date `--since`/`--until` look at: "published", "modified", or "updated" (modified, else published).
    public var dateField: String = "published"
    public var grep: [String] = [], notGrep: [String] = []
    public var grepCaseSensitive = false
    public var wheres: [String] = []
    /// `--kev`: a CVE of the record is in CISA's KEV catalog (`priority.kev` not empty).
    public var kev = false
    /// `--epss-min`, `--cvss-min`: `priority.epss_score` / `priority.cvss_score` at least this.
    public var epssMin: Double? = nil
    public var cvssMin: Double? = nil

    public init() {}
}
