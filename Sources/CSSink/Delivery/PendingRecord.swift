import CSCore

/// A record read and encoded for its destination, waiting to be delivered. The original line is
/// kept verbatim for the dead-letter file.
struct PendingRecord {
    var line: [UInt8]
    var position: Position
    var id: String?
    var uid: String?
    /// The bytes this record contributes to a request (a document, an envelope, a syslog message).
    var payload: [UInt8]
}

/// What one attempt did for one record.
enum RecordVerdict {
    case delivered
    /// Delivered, and the server says it added a new document (Elasticsearch `result: created`).
    case created
    /// Delivered, and the server says it replaced an existing one (`result: updated`).
    case updated
    /// Refused for good (the server said so, or it can never be sent): dead-lettered with the reason.
    case rejected(StatusCode, String)
    /// Worth another attempt, after `after` seconds when the server said (Retry-After).
    case retry(StatusCode, String, after: Double?)
    /// Not looked at by the server (it stopped at an earlier record): send again at once, without
    /// counting a failed attempt.
    case resend
}

/// One kind of network destination: encodes records, makes one attempt at a batch, and says what
/// became of each record. Retries, backoff and dead-lettering are `Deliverer`'s job.
protocol DeliveryEndpoint: AnyObject {
    /// Encodes a record; a string is the reason it cannot be sent (it is then rejected at once).
    func payload(_ line: UnsafeBufferPointer<UInt8>, _ scanner: RecordScanner) -> Result<[UInt8], EncodeError>
    /// One attempt; returns one verdict per record, in order.
    func attempt(_ batch: [PendingRecord]) -> [RecordVerdict]
    /// Called once before the first record: a destination that can tell at once that it will never
    /// take anything (a wrong password) stops the sink here.
    func open() throws(StageError)
}

extension DeliveryEndpoint {
    func open() throws(StageError) {}
}

struct EncodeError: Error {
    var code: StatusCode
    var message: String
    init(_ code: StatusCode, _ message: String) { self.code = code; self.message = message }
}
