/// Words analysts use for a technique that are not its ATT&CK name ("MFA fatigue" for Multi-Factor
/// Authentication Request Generation). Curated: each is specific enough that seeing it in an advisory
/// means the technique. Matched like technique names (any case, any separators); `via` shows the alias.
enum TechniqueAliases {
    static let all: [(phrase: String, id: String)] = [
        ("MFA fatigue", "T1621"), ("MFA bombing", "T1621"), ("MFA spamming", "T1621"), ("push bombing", "T1621"),
        ("push fatigue", "T1621"), ("MFA push spam", "T1621"),
        ("golden SAML", "T1606.002"),
        ("pass the cookie", "T1550.004"),
        ("credential dumping", "T1003"), ("LSASS dumping", "T1003.001"), ("LSASS dump", "T1003.001"),
        ("dumped LSASS", "T1003.001"),
        ("DLL side-loading", "T1574.001"), ("DLL sideloading", "T1574.001"), ("DLL search order hijacking", "T1574.001"),
        ("watering hole", "T1189"), ("drive-by download", "T1189"),
        ("spear phishing", "T1566"), ("spear-phishing", "T1566"), ("spearphishing", "T1566"),
        ("kerberoast", "T1558.003"),
        ("volume shadow copies", "T1490"), ("shadow copies", "T1490"),
        ("keylogger", "T1056.001"), ("keyloggers", "T1056.001"),
        ("bruteforce", "T1110"), ("brute-forcing", "T1110"), ("brute forced", "T1110"),
        ("password spray", "T1110.003"), ("password sprays", "T1110.003"), ("password-spray", "T1110.003"),
        ("AiTM", "T1557"),
        ("illicit consent grant", "T1528"), ("consent phishing", "T1528"),
        ("timestomping", "T1070.006"),
        ("cleared event logs", "T1070.001"), ("cleared Windows event logs", "T1070.001"),
        ("clearing event logs", "T1070.001"), ("event log clearing", "T1070.001"), ("wevtutil cl", "T1070.001"),
        ("UAC bypass", "T1548.002"),
        ("supply chain attack", "T1195"), ("supply-chain attack", "T1195"),
        ("port scanning", "T1046"), ("port scan", "T1046"),
        ("cryptojacking", "T1496.001"), ("cryptomining", "T1496.001"),
        ("cookie theft", "T1539"), ("session cookie theft", "T1539"),
    ]
}
