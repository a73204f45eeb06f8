/// Sizes on the command line: "1048576", "512K", "64M", "1G" (powers of 1024).
public enum ByteSize {
    public static func parse(_ text: String) -> Int? {
        var digits = Substring(text)
        var factor = 1
        switch text.last?.uppercased() {
        case "K": factor = 1 << 10
        case "M": factor = 1 << 20
        case "G": factor = 1 << 30
        default: break
        }
        if factor != 1 { digits = digits.dropLast() }
        guard let n = Int(digits), n > 0, n <= Int.max / factor else { return nil }
        return n * factor
    }
}
