#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A directory named as an input stands for the feed files in it: its entries sorted by name (byte
/// order), not recursing, without hidden files (`.name`) or subdirectories.
enum DirectoryInputs {
    enum Listing {
        /// Not a directory (or nothing there): the input is opened as a file.
        case notADirectory
        case files([String])
        /// The directory could not be read (errno).
        case failed(Int32)
    }

    static func list(_ path: String) -> Listing {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return .notADirectory }
        guard let dir = opendir(path) else { return .failed(errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if !name.hasPrefix(".") { names.append(name) }
        }
        let directory = path.hasSuffix("/") ? path : path + "/"
        let files = names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.map { directory + $0 }.filter { file in
            var s = stat()
            return stat(file, &s) == 0 && s.st_mode & S_IFMT == S_IFREG   // symbolic links to files count
        }
        return .files(files)
    }
}
