/// Which group and software names may be recognized in free text, and how strictly.
/// ATT&CK names software "at", "Net", "Ping", "Expand", "Page", "Play"; groups "Silence" and "Equation".
/// Matching those case-insensitively would tag half of all advisories. The rules:
/// - names in `excluded` are not matched as plain words (they still map from the `actors` field); those of
///   them in `withCue` count where a cue says they are a name: a verb of `cueVerbs` or a possessive follows
///   ("Chimera has used", "Crimson contains", "Mosquito's installer"), or a noun of `cueNouns` ("the Ninja
///   payload", "Carbon malware"); those in `withNounCue` (first names, places, brands: "Play", "Epic", "Cuba")
///   only before such a noun ("Play ransomware"); the rest (utilities such as "Net", "cmd") never;
/// - names in `exactCase`, single words of five letters or fewer, words ATT&CK writes in capitals
///   (Microsoft's element names: "MERCURY", "CHROMIUM", "PLATINUM"), guarded names and multi-word names match only
///   when written exactly as ATT&CK spells them ("Cobalt Strike", "Tor", "Responder");
/// - other single words (six letters or more, not English: "Mimikatz", "QakBot", "APT29") match in any case;
/// - a single-word name that is an English word (`englishNameWords`, generated from a word list by
///   `make name-words`) does not count at the start of a sentence (or of a list item: "- ", "* ", "• ") when
///   written as the capitalized word ("Silence is golden") unless a cue follows ("Silence has used",
///   "Empire can", "Machete takes", "Machete's loader"): a common noun opening a sentence seldom does that, a
///   name often; every other name counts wherever it stands ("Shamoon wipes the MBR").
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

    /// Words after which a capitalized word is a name, not the word: auxiliary and modal verbs, and verbs of what
    /// malware and intruders do, in the third person ("encrypts") or past tense ("encrypted"). Not "is" or "was",
    /// which follow common nouns as often ("Silence is golden") unless `cueAdjectives` follow ("Empire is capable of"),
    /// nor generic verbs ("requires", "improves": "RTM requires TSX"), nor verbs that are also common plural nouns
    /// ("attacks", "logs", "drops", "copies", "spreads", "launches", "features"): "Shark attacks rose" and "Carbon
    /// copies" are no malware.
    static let cueVerbs: [StaticString] = [
        "has", "had", "have", "can", "could", "may", "might", "will", "would", "should", "must", "does", "did", "uses",
        "used", "contains", "contained", "collects", "collected", "includes", "included", "supports", "creates",
        "created", "encrypts", "encrypted", "decrypts", "decrypted", "provides", "gathers", "gathered", "searches",
        "establishes", "established", "obfuscates", "obfuscated", "deletes", "deleted", "enumerates", "enumerated",
        "captures", "captured", "leverages", "leveraged", "persists", "injects", "injected", "removes", "removed",
        "performs", "performed", "retrieves", "retrieved", "attempts", "attempted", "takes", "took", "queries",
        "queried", "tries", "tried", "communicates", "communicated", "renamed", "checks", "checked", "writes", "wrote",
        "prompts", "prompted", "deploys", "deployed", "dumped", "copied", "installs", "installed", "loaded", "scanned",
        "compresses", "compressed", "lured", "launched", "exfiltrates", "exfiltrated", "identifies", "identified",
        "modifies", "modified", "encodes", "encoded", "decodes", "decoded", "hijacks", "hijacked", "replaces",
        "replaced", "encapsulates", "sends", "sent", "saves", "saved", "embedded", "embeds", "downloads", "downloaded",
        "uploads", "uploaded", "executes", "executed", "obtains", "obtained", "steals", "stole", "spawns", "spawned",
        "terminates", "terminated", "disables", "disabled", "utilizes", "utilized", "employs", "employed", "exploited",
        "compromised", "distributed", "delivered", "conducted", "abused", "registers", "registered", "masqueraded",
        "mimics", "connects", "connected", "achieved", "gained", "targeted", "developed", "listens", "monitors",
        "monitored", "decompresses", "accesses", "accessed", "propagates", "persisted",
    ]

    /// Nouns after which a name is a name ("the Ninja payload", "Play ransomware", "Chimera actors"), when not
    /// capitalized ("Royal Group" is another name). Not "framework", "agent" or "installer": "the Spark framework".
    static let cueNouns: [StaticString] = [
        "malware", "ransomware", "backdoor", "backdoors", "trojan", "rat", "implant", "implants", "loader", "loaders",
        "dropper", "droppers", "downloader", "stealer", "infostealer", "botnet", "payload", "payloads", "variant",
        "variants", "sample", "samples", "group", "actor", "actors", "operator", "operators", "affiliates", "campaign",
        "campaigns", "toolkit", "wiper", "worm", "rootkit", "bootkit", "keylogger", "spyware", "developers", "gang",
        "versions", "binaries",
    ]

    /// After "is" or "was", words that make the subject a name ("Unknown Logger is capable of", "Gazer was designed").
    static let cueAdjectives: [StaticString] = ["capable", "able", "designed"]

    /// Adverbs that may stand between a name and its verb ("Empire also contains").
    static let cueAdverbs: [StaticString] = [
        "also", "then", "automatically", "apparently", "reportedly", "previously", "additionally", "initially", "first",
        "specifically", "recursively", "subsequently", "further", "often", "typically",
    ]

    /// Ordinary words, first names and generic utilities: no plain-word match, in text or tags (TagMapping).
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

    /// Excluded names matched where a cue verb, possessive or cue noun follows: words whose use as a sentence's
    /// subject ("Chimera has used…", "Crimson contains…") is rare outside names.
    static let withCue: Set<String> = [
        "Anchor", "Agenda", "Apostle", "Armageddon", "Avenger", "Cannon", "Carbon", "Chaos", "Crimson",
        "Disco", "Embargo", "Explosive", "Ferocious", "Flame", "Mango", "Mantis", "Meteor", "Mirage", "Mosquito",
        "Ninja", "Octopus", "Pony", "Prestige", "Reaper", "Reaver", "Rover", "Samurai", "Scorpion",
        "Shark", "Snake", "Solar", "Soldier", "Strider", "Tick", "Wiper", "Lucifer", "CALENDAR", "Ruler",
        "Elfin", "Covenant", "Donut", "MEDUSA", "Nebulae", "Chimera", "Krypton", "RTM", "ZLib",
        "Unknown Logger", "Net Crawler", "Gold Dragon", "Small Sieve",
    ]

    /// Excluded names matched only before a cue noun ("Play ransomware", "the Epic backdoor"): first names, places
    /// and brands, which are the subjects of ordinary sentences ("Play has removed the app", "Cuba has said").
    static let withNounCue: Set<String> = [
        "Play", "Epic", "Kevin", "James", "Denis", "Milan", "Cuba", "Royal", "Proton", "Spark", "Pandora", "Trinity",
        "Aurora",
    ]

    /// How a name's occurrences in text are checked.
    enum Guard: UInt8 {
        /// Wherever it stands.
        case none = 0
        /// Not as a capitalized word opening a sentence, unless a cue follows (English words: "Silence").
        case sentenceStart = 2
        /// Only where a cue verb, possessive or cue noun follows (`withCue`).
        case cue = 4
        /// Only where a cue noun follows (`withNounCue`).
        case nounCue = 8
    }

    /// Whether `name` is recognised in free text at all, and how; nil when never.
    static func guardInText(_ name: String, wordCount: Int) -> Guard? {
        guard name.utf8.count >= 3 else { return nil }
        guard excluded.contains(name) else { return wordCount == 1 && isEnglishWord(name) ? .sentenceStart : Guard.none }
        if withCue.contains(name) { return .cue }
        return withNounCue.contains(name) ? .nounCue : nil
    }

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
