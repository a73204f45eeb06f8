/// Which group and software names may be recognized in free text, and how strictly.
/// ATT&CK names software "at", "Net", "Ping", "Expand", "Page", "Play"; groups "Silence" and "Equation".
/// Matching those case-insensitively would tag half of all advisories. The rules:
/// - names in `excluded` are never matched in text (they still map from the `actors` field);
/// - names in `exactCase`, single words of five letters or fewer, words ATT&CK writes in capitals
///   (Microsoft's element names: "MERCURY", "CHROMIUM", "PLATINUM") and multi-word names match only when
///   written exactly as ATT&CK spells them ("Cobalt Strike", "Tor", "Responder");
/// - other single words (six letters or more, not English: "Mimikatz", "QakBot", "APT29") match in any case;
/// - a single-word name that is an English word (`englishNameWords`, generated from a word list by
///   `make name-words`) does not count at the start of a sentence when written as the capitalized word
///   ("Silence is golden") unless an auxiliary or modal verb, "uses"/"used" or a possessive follows ("Silence has used",
///   "Empire can", "Machete's loader"): a common noun opening a sentence seldom does that, a name often;
///   every other name counts wherever it stands ("Shamoon wipes the MBR").
enum NamePolicy {
    static func allowed(_ name: String) -> Bool {
        !excluded.contains(name) && name.utf8.count >= 3
    }

    static func requiresExactCase(_ name: String, wordCount: Int) -> Bool {
        if wordCount > 1 { return true }
        if exactCase.contains(name) { return true }
        let hasDigit = name.utf8.contains { $0 >= 48 && $0 <= 57 }
        if hasDigit && name.utf8.count >= 4 { return false }
        if name.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) { return true }
        return name.utf8.count <= 5
    }

    /// True when `name`, in lowercase, is an English word ("Silence", "Empire"; not "Shamoon").
    static func isEnglishWord(_ name: String) -> Bool {
        englishWords.contains(name.lowercased())
    }

    static let englishWords = Set(englishNameWords.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))

    /// Auxiliary and modal verbs, and "use": after one, a capitalized word opening a sentence is its subject.
    /// Not "is" or "was", which follow common nouns as often ("Silence is golden").
    static let subjectVerbs = ["has", "had", "have", "can", "could", "may", "might", "will", "would", "should", "must",
                               "does", "did", "uses", "used"]

    /// Ordinary words, first names and generic utilities.
    static let excluded: Set<String> = [
        "at", "Net", "Ping", "Page", "Play", "Expand", "Reg", "route", "Arp", "cmd", "ftp", "ifconfig", "ipconfig",
        "netstat", "Tasklist", "Systeminfo", "attrib", "Anchor", "Agenda", "Apostle", "Armageddon", "Aurora", "Avenger",
        "Cannon", "Carbon", "Chaos", "Crimson", "Cuba", "Denis", "Disco", "Embargo", "Epic", "Explosive", "Ferocious",
        "Flame", "James", "Kevin", "Mango", "Mantis", "Meteor", "Milan", "Mirage", "Mosquito", "Ninja", "Octopus",
        "Pandora", "PHOTO", "Pony", "Prestige", "Proton", "Reaper", "Reaver", "Rover", "Royal", "Samurai", "Scorpion",
        "Shark", "Snake", "Solar", "Soldier", "Spark", "Strider", "Tick", "Trinity", "Wiper", "Lucifer", "CALENDAR",
        "Ruler", "Elfin", "Covenant", "Donut", "MEDUSA", "Nebulae", "Chimera", "Krypton", "RTM", "LV", "SKID", "ZLib",
        "Unknown Logger", "Net Crawler", "Group 72", "The Dukes", "Gold Dragon", "Small Sieve",
    ]

    /// Names matched only when capitalized exactly as ATT&CK writes them: English words, and words that
    /// look like them ("Shamoon", "Daggerfly": spelled in lowercase they are more likely something else).
    static let exactCase: Set<String> = [
        "Silence", "Equation", "Inception", "Machete", "Leviathan", "Patchwork", "Rancor", "Confucius", "Dragonfly",
        "Blackfly", "Havoc", "Sliver", "Empire", "Mythic", "Responder", "Gazer", "Matryoshka", "Rattlesnake",
        "Swallowtail", "Whitefly", "Orangeworm", "Buckeye", "Shamoon", "Pupy", "Lyceum", "Naikon", "Seedworm",
        "Shuckworm", "Sowbug", "Suckfly", "Thrip", "Waterbug", "Windigo", "Triton", "Bahamut", "Cleaver", "Chafer",
        "Crambus", "Mofang", "Rocke", "Tropic", "Valak", "Umbreon", "Hildegard", "Daggerfly", "Springtail",
        "Palmerworm", "Cicada", "Elderwood", "Moneybird", "Psylo", "Quedagh", "Spica", "Tirion", "Turian",
        "Raindrop", "Sardonic", "Crutch", "Emissary", "Warzone", "Sidewinder", "Bumblebee", "Phosphorus", "Flamer",
        "Helminth", "Gelsemium", "Gelsemine", "Leafminer", "Pteranodon", "Calisto", "Ramsay", "Kessel",
        // compound words a detection engineer writes in lowercase ("a 7-day lookback")
        "LookBack", "NightClub", "OopsIE", "PowerLess", "TrailBlazer", "SpeakUp", "CallMe", "BoomBox", "GoldenEye",
        "JustForFun", "RemoteUtilities", "DropBook", "RainyDay", "BackConfig",
    ]
}
