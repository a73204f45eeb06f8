import ArgumentParser

/// `make attack-tables`: MITRE's ATT&CK extract into committed Swift tables.
@main
struct AttackTablesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attack-tables",
        abstract: "Generate Sources/CSAttack/ATTACKTables.swift from MITRE ATT&CK data (make attack-tables).",
        discussion: """
            EXAMPLES:
              swift run attack-tables ../shared/attack/enterprise-attack-18.1.json Sources/CSAttack/ATTACKTables.swift
            """)

    @Argument(help: "The ATT&CK extract (enterprise-attack-VERSION.json).")
    var input: String

    @Argument(help: "The Swift file to write.")
    var output: String

    func run() { generate(inputPath: input, outputPath: output) }
}
