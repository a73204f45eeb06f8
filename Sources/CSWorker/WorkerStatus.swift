import CSCore
import CSRedis

/// `cs worker --status redis://…/IN --group G`: the group as Redis sees it.
public enum WorkerStatus {
    public static func lines(url: RedisURL, group: String, password: String?) throws(StageError) -> [String] {
        let redis = RedisConnection(RedisConfig(url: url, password: password))
        do throws(RedisError) {
            let length = try redis.command(["XLEN", url.key]).int ?? 0
            let groups = try redis.command(["XINFO", "GROUPS", url.key])
            if let e = groups.errorText { throw RedisError(.server, "\(url.display): \(e)") }
            guard let info = groups.items.map({ Dictionary($0.pairs, uniquingKeysWith: { a, _ in a }) }).first(where: { $0["name"]?.text == group }) else {
                throw RedisError(.server, "\(url.display): no group \(group)")
            }
            let dead = try redis.command(["GET", WorkerOptions.deadLetteredKey(stream: url.key, group: group)]).int ?? 0
            var out = [
                "stream: \(url.display)",
                "length: \(length)",
                "group: \(group)",
                "lag: \(info["lag"]?.int.map(String.init) ?? "unknown")",
                "pending: \(info["pending"]?.int ?? 0)",
                "consumers: \(info["consumers"]?.int ?? 0)",
                "last-delivered: \(info["last-delivered-id"]?.text ?? "")",
                "dead-lettered: \(dead)",
            ]
            for c in try redis.command(["XINFO", "CONSUMERS", url.key, group]).items {
                let f = Dictionary(c.pairs, uniquingKeysWith: { a, _ in a })
                out.append("consumer: \(f["name"]?.text ?? "?") pending \(f["pending"]?.int ?? 0) idle \(f["idle"]?.int ?? 0) ms")
            }
            return out
        } catch {
            throw error.stageError
        }
    }
}
