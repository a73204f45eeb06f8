#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// `--password-env VAR`: the Redis password from the environment, never from argv (process lists,
/// shell history). Errors name the variable only.
public enum RedisPassword {
    public static func fromEnvironment(_ name: String) throws(StageError) -> String {
        guard let raw = getenv(name) else { throw StageError(.invalidArgument, "--password-env: environment variable \(name) is not set") }
        let value = String(cString: raw)
        guard !value.isEmpty else { throw StageError(.invalidArgument, "--password-env: environment variable \(name) is empty") }
        return value
    }
}
