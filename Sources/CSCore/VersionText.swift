#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What `--version` prints: `cs-filter 0.1.0 (ATT&CK 18.1; jansson 2.14)`.
public enum VersionText {
    public static func line(name: String, attackVersion: String? = nil) -> String {
        var parts: [String] = []
        if let attackVersion { parts.append("ATT&CK \(attackVersion)") }
        let libraries = linkedLibraries().map { "\($0.name) \($0.version)" }.joined(separator: ", ")
        if !libraries.isEmpty { parts.append(libraries) }
        return "\(name) \(CSVersion.string)" + (parts.isEmpty ? "" : " (\(parts.joined(separator: "; ")))")
    }

    /// The C libraries this process has loaded, with the versions they report at run time. Looked up by
    /// symbol in the running executable, so each stage names exactly what it links (cs-filter no libcurl)
    /// and the version is that of the library loaded, not of the headers it was built with.
    public static func linkedLibraries() -> [(name: String, version: String)] {
        guard let program = dlopen(nil, RTLD_LAZY) else { return [] }
        defer { dlclose(program) }
        typealias VersionFunction = @convention(c) () -> UnsafePointer<CChar>?
        func call(_ symbol: String) -> String? {
            guard let f = dlsym(program, symbol), let s = unsafeBitCast(f, to: VersionFunction.self)() else { return nil }
            return String(cString: s)
        }
        var found: [(String, String)] = []
        if let v = call("jansson_version_str") { found.append(("jansson", v)) }
        // "libcurl/8.5.0 OpenSSL/3.0.13 zlib/1.3 …": the first word is libcurl's own.
        if let v = call("curl_version"), let own = v.split(separator: " ").first, own.hasPrefix("libcurl/") {
            found.append(("libcurl", String(own.dropFirst("libcurl/".count))))
        }
        // libxml2 exports its version as a string variable, "20914" for 2.9.14.
        if let p = dlsym(program, "xmlParserVersion"), let s = p.assumingMemoryBound(to: UnsafePointer<CChar>?.self).pointee,
           let n = Int(String(cString: s)) {
            found.append(("libxml2", "\(n / 10000).\(n / 100 % 100).\(n % 100)"))
        }
        if let v = call("sqlite3_libversion") { found.append(("SQLite", v)) }
        return found
    }
}
