import CSCore

/// Why a Redis call failed. `connection` errors are worth another attempt on a new connection;
/// `authentication` and `usage` are not.
public struct RedisError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable { case connection, authentication, usage, server }
    public let kind: Kind
    public let message: String
    public init(_ kind: Kind, _ message: String) { self.kind = kind; self.message = message }
    public var description: String { message }

    /// The gRPC status name diagnostics carry.
    public var code: StatusCode {
        switch kind {
        case .connection: return .unavailable
        case .authentication: return .unauthenticated
        case .usage: return .invalidArgument
        case .server: return .failedPrecondition
        }
    }

    public var stageError: StageError { StageError(code, message) }
}
