import CSCore

public enum FetchLibrary {
    public static let description = StageDescription(
        name: "cs-fetch",
        summary: "Fetches feeds over HTTP(S) or file:// through libcurl, many at once, and emits their items as cs.advisory/1 records (or cs.fetch/1 envelopes with --raw).",
        // url-records: {"url": …} lines on stdin (`-`), what `cs worker` hands it from a stream of feeds.
        inputs: ["urls", "feed-list", "opml", "url-records"],
        output: "cs.advisory/1",
        examples: [
            "cs-fetch https://feed.example.org/feed.json | cs-enrich | cs-filter --sev high",
            "cs-fetch --feeds feeds.txt --state fetch.db --new-only >> advisories.ndjson",
            "cs-fetch --raw file://$PWD/feed.xml | cs-normalize",
            "cs-fetch --state redis://redis.example/cs:fetch --password-env REDIS_PASSWORD --new-only --feeds feeds.txt",
        ])
}
