/// Item HTML to the plain text and sections records carry (content_text, sections), for callers outside
/// CSFeed: the fuzz-html target. One per thread; it reuses its buffers.
public final class HTMLTextExtractor {
    private let parser = HTMLParser()

    public init() {}

    public func extract(_ html: String) -> (text: String, attackChain: [String], impact: [String], recommendations: [String]) {
        let (text, sections) = HTMLText.extract(html, parser: parser)
        return (text, sections.attackChain, sections.impact, sections.recommendations)
    }
}
