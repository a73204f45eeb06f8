import ArgumentParser
import CSCore
import CSFeed

@main
struct NormalizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cs-normalize",
        abstract: "Turn feed documents (RSS, Atom, JSON Feed) into cs.advisory/1 NDJSON records.",
        discussion: """
            Each input is one feed document (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1), detected from
            its content, or NDJSON lines: cs.fetch/1 envelopes from `cs-fetch --raw` (parsed with their URL as
            the base for relative links) and cs.advisory/1 records (validated and passed on unchanged).
            A document that cannot be parsed is reported with its name and counted (exit status 2); the
            other inputs go on.

            EXAMPLES:
              cs-normalize feed.xml feed.json > advisories.ndjson
              curl -s https://feed.example.org/feed.xml | cs-normalize | cs-filter --sev high
              cs-fetch --raw https://feed.example.org/feed.xml | cs-normalize --log-format json
            """,
        version: CSVersion.string)

    static let description = StageDescription(
        name: "cs-normalize",
        summary: "Feed documents, fetch envelopes and advisory records into cs.advisory/1 records.",
        inputs: ["rss-0.9x", "rss-1.0", "rss-2.0", "atom-0.3", "atom-1.0", "json-feed-1.0", "json-feed-1.1",
                 "cs.fetch/1", CSVersion.schema],
        output: CSVersion.schema,
        examples: ["cs-normalize feed.xml feed.json > advisories.ndjson",
                   "cs-fetch --raw https://feed.example.org/feed.xml | cs-normalize"])

    @OptionGroup var common: StageOptions

    @Argument(help: "Feed documents or NDJSON files ('-' for stdin; default stdin).")
    var inputs: [String] = []

    mutating func run() throws {
        if common.describe {
            print(Self.description.json(for: Self.self).text)
            return
        }
        let stage = Stage(name: "cs-normalize", options: common)
        Normalizer(stage: stage).run(inputs: inputs)
        stage.finish()
    }
}
