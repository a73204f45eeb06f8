import CFuzzDriver
import CSCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What each fuzz executable runs per input: a check that returns nil when the parser behaved, or a
/// description of the finding. The executables trap on a finding (libFuzzer then saves the input);
/// the corpus replay tests call the same checks and assert nil.
public enum FuzzTarget {
    /// The libFuzzer callback body: runs `check` on one input and traps on a finding.
    public static func run(_ check: (UnsafeRawBufferPointer) -> String?, _ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        let input = UnsafeRawBufferPointer(start: size > 0 ? data : nil, count: size)
        if let finding = check(input) {
            writeStandardError("fuzz finding: \(finding)\n")
            abort()
        }
        return 0
    }
}

extension FuzzTarget {
    /// The whole of a fuzz executable: libFuzzer's driver in a `make fuzz` build, the corpus replay driver in a
    /// plain one (Sources/CFuzzDriver), over `callback`.
    public static func main(_ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
    }
}
