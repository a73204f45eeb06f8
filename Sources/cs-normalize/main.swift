import ArgumentParser
import CSCommandLine
import CSCore
import CSFeed

@main
struct NormalizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cs-normalize",
        abstract: "Turn feed documents (RSS, Atom, JSON Feed) into cs.advisory/1 NDJSON records.",
        discussion: """
            Each input is one feed document (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, CDF, JSON Feed 1.0/1.1), detected from its content, or NDJSON lines: cs.fetch/1 envelopes from `cs-fetch --raw` (parsed with their URL as the base for relative links) and cs.advisory/1 records (validated and passed on unchanged).

            A document that cannot be parsed is reported with its name and counted (exit status 2); the other inputs go on. Broken XML is repaired or recovered where possible; a document that ends early keeps the items before the break.

            EXAMPLES:
              cs-normalize feed.xml feed.json > advisories.ndjson
              cs-normalize feeds/ > advisories.ndjson
              curl -s https://example.org/feed.xml | cs-normalize
              cs-fetch --raw https://example.org/feed.xml | cs-normalize
              curl -s https://example.org/feed.xml | cs-normalize --base-url https://example.org/feed.xml
              cs-normalize feed.xml | cs-enrich | cs-filter --sev high
            """,
        version: CSVersion.string)

    static func main() { StageMain.run(Self.self) }

    @OptionGroup var common: StageOptions

    @Option(name: .customLong("base-url"), help: ArgumentHelp("The URL the input documents came from: relative links resolve against it (after any xml:base), as against a fetch URL. A cs.fetch/1 envelope's own URL wins.", valueName: "url"))
    var baseURL: String?

    @Argument(help: "Feed documents, directories of them (their files, sorted, not recursive, hidden files skipped), or NDJSON files ('-' for stdin; default stdin).")
    var inputs: [String] = []

    func validate() throws {
        // A relative base would leave links relative still: the base must itself be absolute.
        if let baseURL, !Normalizer.isAbsoluteURL(baseURL) {
            throw ValidationError("--base-url must be an absolute URL with a scheme (https://...), not \"\(baseURL)\"")
        }
    }

    mutating func run() throws {
        if common.describe {
            print(Normalizer.description.json(for: Self.self).text)
            return
        }
        let stage = Stage(name: "cs-normalize", options: common)
        let normalizer = Normalizer(stage: stage)
        normalizer.baseURL = baseURL
        normalizer.run(inputs: inputs)
        stage.finish()
    }
}
