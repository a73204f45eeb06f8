/// A selection the user asked for that cannot be compiled (unknown severity, bad date, invalid
/// `--where` expression or regex). The executable turns it into a usage error (exit 64).
public struct FilterSpecError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
