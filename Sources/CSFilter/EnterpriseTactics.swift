/// The 14 Enterprise ATT&CK tactics (IDs and names are stable across ATT&CK versions), so that
/// `--tactic TA0006` can still select a record that was not enriched but carries the tactic as a
/// tag (`credential_access`), and `--tactic "Credential Access"` matches a record listing only IDs.
/// Technique-level mapping lives in CSAttack; cs-filter needs no more than this.
enum EnterpriseTactics {
    static let all: [(id: String, name: String)] = [
        ("TA0043", "Reconnaissance"),
        ("TA0042", "Resource Development"),
        ("TA0001", "Initial Access"),
        ("TA0002", "Execution"),
        ("TA0003", "Persistence"),
        ("TA0004", "Privilege Escalation"),
        ("TA0005", "Defense Evasion"),
        ("TA0006", "Credential Access"),
        ("TA0007", "Discovery"),
        ("TA0008", "Lateral Movement"),
        ("TA0009", "Collection"),
        ("TA0011", "Command and Control"),
        ("TA0010", "Exfiltration"),
        ("TA0040", "Impact"),
    ]
}
