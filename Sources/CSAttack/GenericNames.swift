/// Technique names that name a technology, a data type or a defence rather than the adversary behaviour,
/// so that seeing them as a word or a tag says little about the technique: "Python" (Command and
/// Scripting Interpreter: Python) appears in every advisory about a Python package, "Multi-Factor
/// Authentication" (Modify Authentication Process: MFA) in every recommendation to enable MFA.
/// Curated by reading the ATT&CK 18.1 technique names; matched by `ATTACK.key` (case and separators ignored).
/// Explicit IDs ("T1059.006", "attack.t1059.006") still map.
enum GenericNames {
    static let techniqueKeys: Set<String> = Set(techniqueNames.map(ATTACK.key))

    static let techniqueNames = [
        // single words: technologies, products and everyday nouns
        "Add-ins", "At", "Botnet", "CDNs", "ClickOnce", "Compression", "Confluence", "Credentials", "Cron",
        "Databases", "DLL", "DNS", "Domains", "Exploits", "Firmware", "Hardware", "Impersonation", "JavaScript",
        "Keychain", "Launchctl", "Lua", "Malware", "MMC", "NTDS", "PowerShell", "AppleScript", "Proxy", "Python",
        "Screensaver", "Server", "Serverless", "Sharepoint", "Software", "SSH", "Systemctl", "Tool", "Trap", "VNC",
        "Vulnerabilities", "WHOIS",
        // accounts, identities and infrastructure that advisories mention as nouns
        "Cloud Account", "Cloud Accounts", "Domain Account", "Domain Accounts", "Local Account", "Local Accounts",
        "Email Account", "Email Accounts", "Social Media Accounts", "Default Accounts", "Compromise Accounts",
        "Establish Accounts", "Compromise Infrastructure", "Acquire Access", "Cloud Groups", "Domain Groups",
        "Local Groups", "Hybrid Identity", "Virtual Private Server", "DNS Server", "Web Services", "Web Service",
        "Cloud Services", "Remote Services", "System Services", "Windows Service", "Container Service",
        "Cloud API", "Container API", "Container CLI/API", "Native API", "Code Repositories", "Code Signing",
        "Code Signing Certificates", "Digital Certificates", "Private Keys", "SAML Tokens", "Web Cookies",
        // defences and settings that recommendations name
        "Conditional Access Policies", "Multi-Factor Authentication", "Password Managers", "Vulnerability Scanning",
        "Power Settings", "Control Panel", "System Checks",
        // reconnaissance nouns
        "Email Addresses", "Employee Names", "IP Addresses", "Network Topology", "Network Devices",
        "Network Security Appliances", "Business Relationships", "Client Configurations", "Identify Roles",
        "Domain Properties", "Social Media", "Search Engines", "Threat Intel Vendors", "Chat Messages",
        // protocols, languages and platform features
        "Web Protocols", "Mail Protocols", "File Transfer Protocols", "Publish/Subscribe Protocols",
        "Bidirectional Communication", "One-Way Communication", "Symmetric Cryptography", "Asymmetric Cryptography",
        "Unix Shell", "Visual Basic", "Component Object Model", "Inter-Process Communication", "Shared Modules",
        "Electron Applications", "Messaging Applications", "Artificial Intelligence", "Wi-Fi Networks",
        "Customer Relationship Management Software", "Bind Mounts", "Proc Filesystem", "Thread Local Storage",
        "Extended Attributes", "Exclusive Control", "Selective Exclusion", "Link Target", "File Deletion",
        "Installer Packages",
        // "a malicious file was dropped": usually not User Execution
        "Malicious File", "Malicious Link", "Malicious Image", "Malicious Library",
    ]
}
