#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Where cs-enrich finds its technique model when `--model` names none: installed beside the
/// executables (`<bindir>/../share/cs/`, where `make install` puts it), else in the source tree it was
/// built from (how tests and `make run` run it).
public enum ModelLocation {
    public static func candidates(executable: String = ModelLocation.executablePath()) -> [String] {
        var out: [String] = []
        if let slash = executable.lastIndex(of: "/") {
            out.append(String(executable[..<slash]) + "/../share/cs/" + TechniqueModel.fileName)
        }
        // This file is Sources/CSEnrich/Model/ModelLocation.swift; the model is Sources/attack-model/.
        var source = "\(#filePath)"
        for _ in 0..<3 { if let slash = source.lastIndex(of: "/") { source = String(source[..<slash]) } }
        out.append(source + "/attack-model/" + TechniqueModel.fileName)
        return out
    }

    /// The first candidate that exists, or nil.
    public static func find(executable: String = ModelLocation.executablePath()) -> String? {
        candidates(executable: executable).first { access($0, F_OK) == 0 }
    }

    public static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return CommandLine.arguments.first ?? "" }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
