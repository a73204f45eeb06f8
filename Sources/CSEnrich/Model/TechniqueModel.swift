#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSCore

/// Why a technique model file could not be used; the message names the file.
public struct TechniqueModelError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "technique model \(path): \(reason)" }
}

/// cs-enrich's trained technique model (`make attack-model`, Sources/attack-model): a linear classifier
/// over hashed words and word pairs, one class per ATT&CK technique. This file owns the model format
/// (written by Sources/attack-model/model_file.py): a header, sparse weights by feature bucket, and a
/// SHA-256 of everything before it, checked before any of it is used.
public final class TechniqueModel {
    static let magic: [UInt8] = Array("CSTMODEL".utf8)
    static let formatVersion: UInt32 = 1
    /// The name of the file where cs-enrich looks for it (installed: <bindir>/../share/cs/).
    public static let fileName = "technique-model.bin"

    public let path: String
    public let attackVersion: String
    /// Feature hashing: buckets (a power of two), the pair multiplier and the mixing shift.
    let bucketMask: UInt64
    let pairMultiplier: UInt64
    let mixShift: UInt64
    /// Calibration: probability = 1 / (1 + exp(-(slope * score + offset))).
    let slope: Double
    let offset: Double
    /// The probability above which a sentence's technique is reported (precision 0.8 on the held-out set).
    public let threshold: Double
    let weightScale: Double
    /// Technique IDs, by class number.
    public let classes: [String]
    let intercepts: [Double]
    /// Bucket k's weights are entries[spans[k] >> spanCountBits ..< + (spans[k] & spanCountMask)]: one
    /// number per bucket (where and how many), so that a feature costs one random read before its weights.
    let spans: [UInt32]
    static let spanCountBits: UInt32 = 8
    static let spanCountMask: UInt32 = (1 << spanCountBits) - 1
    /// A weight: its class in the low 16 bits, the quantized weight (Int16) in the high 16, side by side
    /// so that a bucket's weights are one sequential read.
    let entries: [UInt32]

    /// Reads and verifies the file in one read: the checksum first, then the header; nothing of an
    /// unverified file is used.
    public init(path: String) throws(TechniqueModelError) {
        self.path = path
        func fail(_ reason: String) -> TechniqueModelError { TechniqueModelError(path: path, reason: reason) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw fail(String(cString: strerror(errno))) }
        // Mapped (MAP_POPULATE: the pages in one go), verified, copied into the arrays below, unmapped.
        var st = stat()
        guard fstat(fd, &st) == 0 else { let e = errno; close(fd); throw fail(String(cString: strerror(e))) }
        let size = Int(st.st_size)
        guard size > Self.magic.count + 32 else { close(fd); throw fail("not a cs technique model (wrong magic or too short)") }
        let mapping = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0)
        let mapError = errno
        close(fd)
        guard let mapping, mapping != MAP_FAILED else { throw fail(String(cString: strerror(mapError))) }
        defer { munmap(mapping, size) }
        let bytes = UnsafeBufferPointer(start: mapping.assumingMemoryBound(to: UInt8.self), count: size)
        guard bytes.count > Self.magic.count + 32, bytes.starts(with: Self.magic) else {
            throw fail("not a cs technique model (wrong magic or too short)")
        }
        let body = bytes.count - 32
        var digest = SHA256()
        digest.update(UnsafeRawBufferPointer(start: mapping, count: body))
        guard digest.finalize().elementsEqual(bytes[body...]) else {
            throw fail("checksum mismatch (the file is damaged or truncated; `make attack-model` writes it again)")
        }
        var r = ByteReader(bytes: bytes, end: body)
        do {
            r.position = Self.magic.count
            let version: UInt32 = try r.read()
            guard version == Self.formatVersion else { throw fail("format version \(version), this cs-enrich reads \(Self.formatVersion)") }
            attackVersion = try r.string(length: Int(try r.read() as UInt32))
            let buckets: UInt32 = try r.read()
            let longestNGram: UInt32 = try r.read()
            pairMultiplier = try r.read()
            mixShift = UInt64(try r.read() as UInt32)
            guard buckets > 0, buckets & (buckets - 1) == 0, buckets <= 1 << 24, longestNGram == 2, mixShift < 64 else {
                throw fail("unsupported feature hashing (\(buckets) buckets, \(longestNGram)-grams)")
            }
            bucketMask = UInt64(buckets - 1)
            slope = Double(try r.read() as Float)
            offset = Double(try r.read() as Float)
            threshold = Double(try r.read() as Float)
            weightScale = Double(try r.read() as Float)
            let classCount = Int(try r.read() as UInt32)
            guard classCount > 0, classCount <= Int(UInt16.max) else { throw fail("bad class count \(classCount)") }
            var ids: [String] = []
            for _ in 0..<classCount { ids.append(try r.string(length: Int(try r.read() as UInt8))) }
            classes = ids
            intercepts = try r.array(Float.self, count: classCount).map(Double.init)
            let offsets = try r.array(UInt32.self, count: Int(buckets) + 1)
            let entryCount = Int(offsets[Int(buckets)])
            guard offsets.first == 0, entryCount < 1 << (32 - Int(Self.spanCountBits)),
                  zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 && $1 - $0 <= Self.spanCountMask }) else {
                throw fail("bad bucket offsets (this cs-enrich reads at most \(Self.spanCountMask) weights a bucket, train.py --per-bucket)")
            }
            spans = (0..<Int(buckets)).map { offsets[$0] << Self.spanCountBits | (offsets[$0 + 1] - offsets[$0]) }
            let entryClasses = try r.array(UInt16.self, count: entryCount)
            let entryWeights = try r.array(Int16.self, count: entryCount)
            guard r.position == body else { throw fail("\(body - r.position) bytes after the weights") }
            guard entryClasses.allSatisfy({ Int($0) < classCount }) else { throw fail("a weight names no class") }
            entries = (0..<entryCount).map { UInt32(entryClasses[$0]) | UInt32(UInt16(bitPattern: entryWeights[$0])) << 16 }
        } catch let e as TechniqueModelError {
            throw e
        } catch {
            throw fail("header ends early")
        }
    }

    /// The raw score above which a class's calibrated probability reaches `probability`.
    func rawScore(forProbability probability: Double) -> Double {
        let p = min(max(probability, 1e-9), 1 - 1e-9)
        return (log(p / (1 - p)) - offset) / slope
    }

    @inline(__always) func probability(_ raw: Double) -> Double { 1 / (1 + exp(-(slope * raw + offset))) }

    @inline(__always) func bucket(_ h: UInt64) -> Int { Int(truncatingIfNeeded: (h ^ (h >> mixShift)) & bucketMask) }
}

/// Little-endian numbers from a byte array, with bounds checks (a short file is an error, never a crash).
private struct ByteReader {
    struct Short: Error {}
    let bytes: UnsafeBufferPointer<UInt8>
    let end: Int
    var position = 0

    mutating func read<T: FixedWidthInteger>() throws(Short) -> T {
        guard position + MemoryLayout<T>.size <= end else { throw Short() }
        let v = UnsafeRawPointer(bytes.baseAddress!).loadUnaligned(fromByteOffset: position, as: T.self)
        position += MemoryLayout<T>.size
        return T(littleEndian: v)
    }

    mutating func read() throws(Short) -> Float { Float(bitPattern: try read() as UInt32) }

    mutating func string(length: Int) throws(Short) -> String {
        guard position + length <= end else { throw Short() }
        defer { position += length }
        return String(decoding: bytes[position..<position + length], as: UTF8.self)
    }

    mutating func array<T: FixedWidthInteger>(_: T.Type, count: Int) throws(Short) -> [T] {
        let size = count * MemoryLayout<T>.size
        guard count >= 0, position + size <= end else { throw Short() }
        let out = [T](unsafeUninitializedCapacity: count) { buf, n in
            if size > 0 { _ = memcpy(buf.baseAddress!, bytes.baseAddress! + position, size) }
            n = count
        }
        position += size
        #if _endian(big)
        return out.map { T(littleEndian: $0) }
        #else
        return out
        #endif
    }

    mutating func array(_: Float.Type, count: Int) throws(Short) -> [Float] {
        try array(UInt32.self, count: count).map { Float(bitPattern: $0) }
    }
}
