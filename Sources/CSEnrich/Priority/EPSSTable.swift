#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore
import CZlib

/// FIRST's daily EPSS scores, read from its CSV (gzip or plain): an optional first line
/// `#model_version:v2025.03.14,score_date:2026-12-03T12:55:00Z`, the header `cve,epss,percentile`, then
/// `CVE-2024-3400,0.94321,0.99950` rows.
public struct EPSSTable: Sendable {
    public struct Score: Equatable, Sendable {
        public var score: Float
        public var percentile: Float
    }

    /// Score and percentile as the bit patterns of two Floats.
    private var scores = CVEList()
    public private(set) var modelVersion: String?
    /// The `score_date` of the comment line.
    public private(set) var scoreDate: String?
    public var count: Int { scores.count }
    private var sawHeader = false
    private var badRows = 0
    private static let badRowsShown = 5

    public init() {}

    public func score(forCVE cve: String) -> Score? {
        guard let key = CVEKey.make(cve), let p = scores.payload(key) else { return nil }
        return Score(score: Float(bitPattern: UInt32(truncatingIfNeeded: p >> 32)), percentile: Float(bitPattern: UInt32(truncatingIfNeeded: p)))
    }

    /// Reads and parses a file through zlib (gzip and plain alike), a chunk at a time. A read error or a
    /// truncated gzip stream throws: the rows read before it are not trusted.
    public static func load(path: String, problems: inout [String]) throws(StageError) -> EPSSTable {
        guard let file = gzopen(path, "rb") else {
            throw StageError(.notFound, "\(path): cannot open: \(String(cString: strerror(errno)))")
        }
        var table = EPSSTable()
        // Room reserved once from the file size: a row is about 30 bytes; gzip shrinks the CSV about 4.6 times.
        var st = stat()
        if stat(path, &st) == 0 {
            let gzipped = path.hasSuffix(".gz")
            table.scores.reserve(max(1 << 12, Int(st.st_size) * (gzipped ? 5 : 1) / 28))
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var kept = 0       // bytes of an unfinished line at the start of `buffer`
        var line = 0
        var failure: StageError? = nil
        reading: while true {
            if kept == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
            let n = buffer.withUnsafeMutableBytes { gzread(file, $0.baseAddress! + kept, UInt32($0.count - kept)) }
            if n < 0 {
                var code: Int32 = 0
                failure = StageError(.dataLoss, "\(path): not a complete EPSS file: \(String(cString: gzerror(file, &code)))")
                break
            }
            let end = kept + Int(n)
            let atEnd = n == 0
            do throws(StageError) {
                kept = try buffer.withUnsafeBufferPointer { b throws(StageError) -> Int in
                    try table.parseLines(UnsafeBufferPointer(rebasing: b[0..<end]), final: atEnd, line: &line, path: path, problems: &problems)
                }
            } catch {
                failure = error
                break reading
            }
            if atEnd { break }
            if kept > 0 { buffer.withUnsafeMutableBufferPointer { b in _ = memmove(b.baseAddress!, b.baseAddress! + end - kept, kept) } }
        }
        let closed = gzclose(file)
        if let failure { throw failure }
        if closed == Z_BUF_ERROR { throw StageError(.dataLoss, "\(path): not a complete EPSS file: the gzip stream is truncated") }
        try table.finish(path: path, problems: &problems)
        return table
    }

    /// Parses a whole CSV held in memory (tests, small files).
    public static func parse(_ bytes: [UInt8], path: String, problems: inout [String]) throws(StageError) -> EPSSTable {
        var table = EPSSTable()
        var line = 0
        _ = try bytes.withUnsafeBufferPointer { b throws(StageError) -> Int in
            try table.parseLines(b, final: true, line: &line, path: path, problems: &problems)
        }
        try table.finish(path: path, problems: &problems)
        return table
    }

    private mutating func finish(path: String, problems: inout [String]) throws(StageError) {
        scores.seal()
        if !sawHeader { throw StageError(.invalidArgument, "\(path): not an EPSS file: no \"cve,epss,percentile\" header") }
        if badRows > Self.badRowsShown { problems.append("\(path): \(badRows) rows skipped in all") }
    }

    /// Parses the complete lines of `b` (all of it when `final`); returns how many bytes of an unfinished last
    /// line are left for the next chunk.
    private mutating func parseLines(_ b: UnsafeBufferPointer<UInt8>, final: Bool, line: inout Int, path: String,
                                     problems: inout [String]) throws(StageError) -> Int {
        var i = 0
        while i < b.count {
            var end = i
            while end < b.count, b[end] != 0x0A { end += 1 }
            if end == b.count, !final { return b.count - i }
            line += 1
            var lineEnd = end
            if lineEnd > i, b[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let row = UnsafeBufferPointer(rebasing: b[i..<lineEnd])
            i = end + 1
            if row.isEmpty { continue }
            if row[0] == UInt8(ascii: "#") {
                readComment(String(decoding: row, as: UTF8.self))
                continue
            }
            if !sawHeader {
                guard String(decoding: row, as: UTF8.self).hasPrefix("cve,epss,percentile") else {
                    throw StageError(.invalidArgument, "\(path):\(line): not an EPSS file: expected the header \"cve,epss,percentile\"")
                }
                sawHeader = true
                continue
            }
            if let (key, score) = Self.parseRow(row) {
                scores.append(key, UInt64(score.score.bitPattern) << 32 | UInt64(score.percentile.bitPattern))
            } else {
                badRows += 1
                if badRows <= Self.badRowsShown { problems.append("\(path):\(line): not an EPSS row (cve,epss,percentile with values 0-1); skipped") }
            }
        }
        return 0
    }

    private mutating func readComment(_ text: String) {
        for part in text.dropFirst().split(separator: ",") {
            let kv = part.split(separator: ":", maxSplits: 1)
            guard kv.count == 2 else { continue }
            if kv[0] == "model_version" { modelVersion = String(kv[1]) }
            if kv[0] == "score_date" { scoreDate = String(kv[1]) }
        }
    }

    private static func parseRow(_ row: UnsafeBufferPointer<UInt8>) -> (UInt64, Score)? {
        guard let c1 = row.firstIndex(of: UInt8(ascii: ",")) else { return nil }
        guard let key = CVEKey.make(UnsafeBufferPointer(rebasing: row[0..<c1])) else { return nil }
        let rest = UnsafeBufferPointer(rebasing: row[(c1 + 1)...])
        guard let c2 = rest.firstIndex(of: UInt8(ascii: ",")) else { return nil }
        guard let score = fraction(UnsafeBufferPointer(rebasing: rest[rest.startIndex..<c2])),
              let percentile = fraction(UnsafeBufferPointer(rebasing: rest[(c2 + 1)...])) else { return nil }
        return (key, Score(score: score, percentile: percentile))
    }

    /// "0.94321", "1", "1.0", "9.5e-05": a probability in 0…1.
    private static func fraction(_ b: UnsafeBufferPointer<UInt8>) -> Float? {
        guard !b.isEmpty, b.count < 32 else { return nil }
        // The common form 0.ddddd without a float parser.
        if b.count >= 3, b[0] == UInt8(ascii: "0"), b[1] == UInt8(ascii: ".") {
            var v: UInt32 = 0, scale: Float = 1, plain = true
            for k in 2..<b.count {
                let d = b[k]
                guard d >= 48, d <= 57, k < 11 else { plain = false; break }
                v = v * 10 + UInt32(d - 48)
                scale *= 10
            }
            if plain { return Float(v) / scale }
        }
        guard let v = Float(String(decoding: b, as: UTF8.self)), v >= 0, v <= 1 else { return nil }
        return v
    }
}
