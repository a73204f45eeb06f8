import CSCore

/// Dates as feeds write them, into epoch seconds.
enum FeedDate {
    static func parse(_ text: String) -> Int? {
        RFC3339.parse(text)
    }
}
