import CLibXML2
import CSCore

/// RSS and Atom through libxml2's streaming reader.
enum XMLFeedReader {
    static func parse(_ document: UnsafeRawBufferPointer, source: FeedSource,
                      report: (FeedIssue) -> Void, emit: (JSON) -> Void) throws(FeedError) {
        throw FeedError(.internal, "XML feeds: in progress")
    }
}
