// Fuzz target: HTMLFuzz (Sources/CSFuzz). See docs/fuzzing.md.
// Not main.swift: a libFuzzer build compiles executables with -parse-as-library, so the entry is @main.
import CFuzzDriver
import CSFuzz

#if canImport(Glibc)
import Glibc
#endif

@main enum Main {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in FuzzTarget.run(HTMLFuzz.check, data, size) })
    }
}
