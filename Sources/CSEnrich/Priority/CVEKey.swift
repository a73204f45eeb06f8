/// A CVE ID as one integer (year in the high 32 bits, sequence number in the low), so that the EPSS table's
/// 300k entries hash and compare cheaply. nil for anything that is not "CVE-YYYY-NNNN…" (any case).
enum CVEKey {
    static func make<C: Collection>(_ s: C) -> UInt64? where C.Element == UInt8 {
        var it = s.makeIterator()
        guard let c = it.next(), c | 0x20 == UInt8(ascii: "c"), let v = it.next(), v | 0x20 == UInt8(ascii: "v"),
              let e = it.next(), e | 0x20 == UInt8(ascii: "e"), it.next() == UInt8(ascii: "-") else { return nil }
        var year: UInt64 = 0
        for _ in 0..<4 {
            guard let d = it.next(), d >= 48, d <= 57 else { return nil }
            year = year * 10 + UInt64(d - 48)
        }
        guard it.next() == UInt8(ascii: "-") else { return nil }
        var number: UInt64 = 0, digits = 0
        while let d = it.next() {
            guard d >= 48, d <= 57, digits < 9 else { return nil }
            number = number * 10 + UInt64(d - 48)
            digits += 1
        }
        guard digits >= 4 else { return nil }
        return year << 32 | number
    }

    static func make(_ s: String) -> UInt64? { make(s.utf8) }
}
