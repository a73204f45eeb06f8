import CSCore

/// One cs.advisory/1 record as cs-normalize writes it: compact JSON, fields in schema order, without the
/// trailing newline. Records are built as bytes (JSONBytesWriter), not as a jansson tree, because most
/// of them go straight to the output; `json` reads one back for the callers that look inside.
public struct AdvisoryRecord: Sendable {
    public let bytes: [UInt8]
    /// The record's uid, which callers keying state by item need without parsing the record.
    public let uid: String

    init(bytes: [UInt8], uid: String) {
        self.bytes = bytes
        self.uid = uid
    }

    /// The record as a jansson value. The bytes come from JSONBytesWriter, which jansson always reads;
    /// tests check that for every record they parse.
    public var json: JSON {
        let parsed = bytes.withUnsafeBytes { b in Result { () throws(JSONParseError) in try JSON.parse(b) } }
        switch parsed {
        case .success(let value): return value
        case .failure(let error): preconditionFailure("cs-normalize wrote a record jansson cannot read back: \(error)")
        }
    }
}
