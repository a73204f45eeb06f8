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

    public private(set) var scores: [UInt64: Score] = [:]
    public private(set) var modelVersion: String?
    /// The `score_date` of the comment line.
    public private(set) var scoreDate: String?
    public var count: Int { scores.count }

    public init() {}

    public func score(forCVE cve: String) -> Score? {
        CVEKey.make(cve).flatMap { scores[$0] }
    }

    /// Reads a file through zlib (gzip and plain alike). A read error or a truncated gzip stream throws:
    /// the rows read before it are not trusted.
    public static func read(path: String) throws(StageError) -> [UInt8] {
        guard let file = gzopen(path, "rb") else {
            throw StageError(.notFound, "\(path): cannot open: \(String(cString: strerror(errno)))")
        }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var failure: String? = nil
        while true {
            let n = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if n > 0 { out.append(contentsOf: chunk[0..<Int(n)]); continue }
            if n < 0 {
                var code: Int32 = 0
                failure = String(cString: gzerror(file, &code))
            }
            break
        }
        let closed = gzclose(file)
        if let failure { throw StageError(.dataLoss, "\(path): not a complete EPSS file: \(failure)") }
        if closed == Z_BUF_ERROR { throw StageError(.dataLoss, "\(path): not a complete EPSS file: the gzip stream is truncated") }
        return out
    }

    /// Parses the CSV. Rows that do not parse are skipped and reported with their line (`problems`, the first
    /// few of them and a count); a file without the header throws.
    public static func parse(_ bytes: [UInt8], path: String, problems: inout [String]) throws(StageError) -> EPSSTable {
        var table = EPSSTable()
        table.scores.reserveCapacity(bytes.count / 32)
        var bad = 0
        let shown = 5
        try bytes.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(StageError) in
            var i = 0, line = 0
            var sawHeader = false
            while i < b.count {
                var end = i
                while end < b.count, b[end] != 0x0A { end += 1 }
                line += 1
                var lineEnd = end
                if lineEnd > i, b[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let row = UnsafeBufferPointer(rebasing: b[i..<lineEnd])
                i = end + 1
                if row.isEmpty { continue }
                if row[0] == UInt8(ascii: "#") {
                    table.readComment(String(decoding: row, as: UTF8.self))
                    continue
                }
                if !sawHeader {
                    guard String(decoding: row, as: UTF8.self).hasPrefix("cve,epss,percentile") else {
                        throw StageError(.invalidArgument, "\(path):\(line): not an EPSS file: expected the header \"cve,epss,percentile\"")
                    }
                    sawHeader = true
                    continue
                }
                if let (key, score) = parseRow(row) {
                    table.scores[key] = score
                } else {
                    bad += 1
                    if bad <= shown { problems.append("\(path):\(line): not an EPSS row (cve,epss,percentile with values 0-1); skipped") }
                }
            }
            if !sawHeader { throw StageError(.invalidArgument, "\(path): not an EPSS file: no \"cve,epss,percentile\" header") }
        }
        if bad > shown { problems.append("\(path): \(bad) rows skipped in all") }
        return table
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
