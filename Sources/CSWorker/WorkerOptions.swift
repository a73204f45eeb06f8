import CSCore
import CSRedis

/// What `cs worker` was asked to do (parsed by the `cs` executable).
public struct WorkerOptions: Sendable {
    public var from: RedisURL
    public var group: String
    public var consumer: String
    /// Output stream; nil: output records go to stdout.
    public var to: RedisURL?
    public var password: String?
    public var batch = 500
    /// Entries pending longer than this (seconds) with a consumer are taken over (XAUTOCLAIM).
    public var claimIdle = 60.0
    /// An entry delivered more often than this is dead-lettered instead of run again.
    public var maxDeliveries = 5
    /// `FILE` or `redis://…/STREAM`; nil: rejections are reported on stderr only.
    public var deadLetter: String?
    public var stats = false
    /// How long one XREADGROUP waits for new entries (seconds): how soon SIGTERM is noticed when idle.
    public var block = 1.0
    /// The stage: its path and arguments.
    public var stagePath: String
    public var stageArguments: [String]

    public init(from: RedisURL, group: String, consumer: String, stagePath: String, stageArguments: [String]) {
        self.from = from; self.group = group; self.consumer = consumer
        self.stagePath = stagePath; self.stageArguments = stageArguments
    }

    /// Keys the worker keeps beside the input stream, per group.
    public static func deadLetteredKey(stream: String, group: String) -> String { "\(stream):cs-worker:\(group):dead-lettered" }
    public static func diagnosticsKey(stream: String, group: String) -> String { "\(stream):cs-worker:\(group):diagnostics" }
}

/// "60s", "2m", "500ms", "1.5" (seconds).
public func parseDuration(_ text: String) -> Double? {
    let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
    for (suffix, scale) in units where text.hasSuffix(suffix) {
        guard let n = Double(text.dropLast(suffix.count)), n >= 0 else { return nil }
        return n * scale
    }
    guard let n = Double(text), n >= 0 else { return nil }
    return n
}
