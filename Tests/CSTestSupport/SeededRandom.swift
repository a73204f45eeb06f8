import Foundation

/// SplitMix64: a small seeded generator for randomized tests, so that every run draws the same cases
/// and a failure can be replayed.
public struct SeededRandom: RandomNumberGenerator {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A number in 0..<n (0 when n is 0).
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
}

extension SeededRandom {
    /// The seed of a randomized test: `fixed`, so that every run draws the same cases, unless `variable`
    /// (CS_TEST_SEED, or a suite's own) names another to explore with. Tests put the seed in their failure
    /// messages, so a failing run can be replayed.
    public static func seed(_ fixed: UInt64, variable: String = "CS_TEST_SEED",
                            environment: [String: String] = ProcessInfo.processInfo.environment) -> UInt64 {
        environment[variable].flatMap { UInt64($0) } ?? fixed
    }
}
