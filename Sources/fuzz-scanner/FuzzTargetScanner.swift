// Fuzz target: ScannerFuzz (Sources/CSFuzz). See docs/fuzzing.md.
// Not main.swift: a libFuzzer build compiles executables with -parse-as-library, so the entry is @main.
import CSFuzz

@main enum Main {
    static func main() { FuzzTarget.main { data, size in FuzzTarget.run(ScannerFuzz.check, data, size) } }
}
