#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// Credentials for network destinations, taken from the environment or a file: never from the
/// command line (process lists, shell history) and never repeated in diagnostics.
public enum Credentials {
    /// `--token-env VAR`: the variable's value; an unset or empty variable is an error naming the variable only.
    public static func token(fromEnvironment name: String) throws(StageError) -> String {
        guard let raw = getenv(name) else { throw StageError(.invalidArgument, "--token-env: environment variable \(name) is not set") }
        let value = String(cString: raw).trimmingSpaces
        guard !value.isEmpty else { throw StageError(.invalidArgument, "--token-env: environment variable \(name) is empty") }
        guard isHeaderSafe(value) else { throw StageError(.invalidArgument, "--token-env: the value of \(name) contains a line break or control character") }
        return value
    }

    /// `--token-file PATH`: the file's content without surrounding white space (a trailing newline is usual).
    public static func token(fromFile path: String) throws(StageError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StageError(.invalidArgument, "--token-file \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 64 << 10 {
            guard case .bytes(let n) = chunk.withUnsafeMutableBytes({ readSome(fd, into: $0) }) else { break }
            bytes += chunk[..<n]
        }
        let value = String(decoding: bytes, as: UTF8.self).trimmingSpaces
        guard !value.isEmpty else { throw StageError(.invalidArgument, "--token-file \(path) is empty") }
        guard isHeaderSafe(value) else { throw StageError(.invalidArgument, "--token-file \(path): the token contains a line break or control character") }
        return value
    }

    /// `--header 'Name: value'`; nil when malformed (the text is not echoed: it may hold a secret).
    public static func header(parsing text: String) -> (name: String, value: String)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let name = String(text[..<colon])
        let value = String(text[text.index(after: colon)...]).trimmingSpaces
        guard isHeaderName(name), isHeaderSafe(value) else { return nil }
        return (name, value)
    }

    /// `--header-env 'Name=VAR'`: the header with the variable's value.
    public static func header(fromEnvironment spec: String) throws(StageError) -> (name: String, value: String) {
        let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, isHeaderName(parts[0]), !parts[1].isEmpty else {
            throw StageError(.invalidArgument, "--header-env: expected 'Name=VARIABLE', got '\(spec)'")
        }
        guard let raw = getenv(parts[1]) else { throw StageError(.invalidArgument, "--header-env: environment variable \(parts[1]) is not set") }
        let value = String(cString: raw).trimmingSpaces
        guard isHeaderSafe(value) else { throw StageError(.invalidArgument, "--header-env: the value of \(parts[1]) contains a line break or control character") }
        return (parts[0], value)
    }

    /// RFC 9110 token characters.
    static func isHeaderName(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { c in
            (c.value >= 0x30 && c.value <= 0x39) || (c.value >= 0x41 && c.value <= 0x5A) || (c.value >= 0x61 && c.value <= 0x7A)
                || "!#$%&'*+-.^_`|~".unicodeScalars.contains(c)
        }
    }

    static func isHeaderSafe(_ s: String) -> Bool {
        s.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F || $0 == "\t" }
    }

    /// `--facility NAME` (kern, user, ..., local0-local7) or its number.
    public static func facility(_ text: String) -> Int? {
        if let n = Int(text), (0...23).contains(n) { return n }
        return SyslogMessage.facilities[text.lowercased()]
    }
}
