#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// `--format misp --to DIR`: a MISP feed a MISP instance can subscribe to. Each event goes to
/// `DIR/<uuid>.json` as it is read; at the end `manifest.json` (event uuid → info, date, analysis,
/// threat level, timestamp, Orgc, Tag) and `hashes.csv` (the MD5 of each attribute value, the event
/// uuid) are written. Every file replaces the old one atomically (ReplaceFile), and an existing
/// feed is merged: events of other runs stay listed, an event written again (same uid, same uuid)
/// replaces its entries instead of adding a second. Manifest keys and hash lines are sorted, so
/// the same feed gives the same bytes. Held in memory: the manifest and the hash lines, what the
/// feed's index files need.
final class MISPFeedWriter {
    let directory: String
    private var manifest: [String: JSON] = [:]
    /// Event uuid → its hashes.csv lines.
    private var hashes: [String: [String]] = [:]

    init(directory: String) throws(StageError) {
        self.directory = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        if mkdir(self.directory, 0o755) != 0 && errno != EEXIST {
            let e = errno
            throw StageError(StatusCode(errno: e), "cannot create the MISP feed folder \(directory): \(systemErrorText(e))")
        }
        var st = stat()
        guard stat(self.directory, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
            throw StageError(.invalidArgument, "--format misp --to \(directory): not a folder (a MISP feed is a folder of files)")
        }
        try load()
    }

    /// Reads the manifest and hashes of a feed already in the folder.
    private func load() throws(StageError) {
        if let bytes = try read("manifest.json") {
            let parsed: JSON
            do { parsed = try bytes.withUnsafeBytes { b throws(JSONParseError) in try JSON.parse(b) } } catch {
                throw StageError(.dataLoss, "\(directory)/manifest.json is not JSON (\(error)): not overwriting it")
            }
            guard parsed.kind == .object else { throw StageError(.dataLoss, "\(directory)/manifest.json is not a MISP manifest: not overwriting it") }
            for (uuid, entry) in parsed.members { manifest[uuid] = entry }
        }
        if let bytes = try read("hashes.csv") {
            for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
                guard let comma = line.lastIndex(of: ",") else { continue }
                hashes[String(line[line.index(after: comma)...]), default: []].append(String(line))
            }
        }
    }

    private func read(_ name: String) throws(StageError) -> [UInt8]? {
        let path = "\(directory)/\(name)"
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            let e = errno
            throw StageError(StatusCode(errno: e), "cannot read \(path): \(systemErrorText(e))")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        let e = readToEnd(fd, appendingTo: &bytes)
        if e != 0 { throw StageError(StatusCode(errno: e), "cannot read \(path): \(systemErrorText(e))") }
        return bytes
    }

    /// Writes one event's file and remembers its manifest entry and hashes.
    func write(_ document: [UInt8], _ summary: MISPEvent.Summary) throws(StageError) {
        let name = "\(summary.uuid).json"
        let bytes = document + [0x0A]
        // An event a rerun writes unchanged is left alone: no rewrite, no sync (the costly part).
        if try read(name) != bytes { try replace(name, bytes) }
        manifest[summary.uuid] = summary.manifest
        var seen = Set<String>()
        hashes[summary.uuid] = summary.values.compactMap { value in
            seen.insert(value).inserted ? NameDigest.md5Hex(value) + "," + summary.uuid : nil
        }
    }

    /// Publishes manifest.json and hashes.csv.
    func finish() throws(StageError) {
        let index = JSON.object()
        for uuid in manifest.keys.sorted() { index.set(uuid, manifest[uuid]!) }
        try replace("manifest.json", index.serialized() + [0x0A])
        var lines: [String] = []
        for uuid in hashes.keys.sorted() { lines += hashes[uuid]!.sorted() }
        try replace("hashes.csv", Array(lines.map { $0 + "\n" }.joined().utf8))
    }

    private func replace(_ name: String, _ bytes: [UInt8]) throws(StageError) {
        let file = try ReplaceFile(path: "\(directory)/\(name)")
        file.write(bytes)
        file.finish()
    }
}
