import CSCore

/// ECS 8.x `threat.indicator.*` and `threat.feed.*` for `--format ecs`. One document per advisory, so
/// its indicators are listed together (ECS fields hold arrays): `threat.indicator.type` (STIX
/// cyber-observable names, as ECS asks), `.ip` (IPv4 and IPv6), `.url.full`, `.url.domain` (domain
/// indicators), `.file.hash.md5/sha1/sha256`, with the advisory as `.reference`, `.description`,
/// `.provider` and `.first_seen`/`.modified_at`, and a `tlp:` tag as `.marking.tlp`. `threat.feed`
/// names the feed: `.name` (its title), `.reference` (its home page, else its URL), `.description`.
/// ECS's `threat.feed.dashboard_id` is a Kibana dashboard: cs has none to name.
enum ECSThreatIndicator {
    static func indicator(_ r: RecordScanner) -> JSON? {
        guard let found = r.value("indicators"), found.isObject else { return nil }
        let ipv4 = found.member("ipv4")?.strings ?? [], ipv6 = found.member("ipv6")?.strings ?? []
        let domains = found.member("domains")?.strings ?? [], urls = found.member("urls")?.strings ?? []
        let md5 = found.member("md5")?.strings ?? [], sha1 = found.member("sha1")?.strings ?? []
        let sha256 = found.member("sha256")?.strings ?? []
        var types: [String] = []
        if !ipv4.isEmpty { types.append("ipv4-addr") }
        if !ipv6.isEmpty { types.append("ipv6-addr") }
        if !domains.isEmpty { types.append("domain-name") }
        if !urls.isEmpty { types.append("url") }
        if !(md5.isEmpty && sha1.isEmpty && sha256.isEmpty) { types.append("file") }
        guard !types.isEmpty else { return nil }

        let indicator = JSON.object()
        indicator.set("type", .strings(types))
        if !(ipv4.isEmpty && ipv6.isEmpty) { indicator.set("ip", .strings(ipv4 + ipv6)) }
        if !(urls.isEmpty && domains.isEmpty) {
            let url = JSON.object()
            if !urls.isEmpty { url.set("full", .strings(urls)) }
            if !domains.isEmpty { url.set("domain", .strings(domains)) }
            indicator.set("url", url)
        }
        if types.contains("file") {
            let hash = JSON.object()
            if !md5.isEmpty { hash.set("md5", .strings(md5)) }
            if !sha1.isEmpty { hash.set("sha1", .strings(sha1)) }
            if !sha256.isEmpty { hash.set("sha256", .strings(sha256)) }
            let file = JSON.object()
            file.set("hash", hash)
            indicator.set("file", file)
        }
        if let url = r.value("url")?.string { indicator.set("reference", .string(url)) }
        if let title = r.value("title")?.string { indicator.set("description", .string(title)) }
        if let feed = r.value("source")?.member("feed_title")?.string { indicator.set("provider", .string(feed)) }
        if let published = r.value("published")?.string { indicator.set("first_seen", .string(published)) }
        if let modified = r.value("modified")?.string { indicator.set("modified_at", .string(modified)) }
        if let tlp = tlp(r.value("tags")?.strings ?? []) {
            let marking = JSON.object()
            marking.set("tlp", .string(tlp))
            indicator.set("marking", marking)
        }
        return indicator
    }

    /// ECS's TLP values (`CLEAR`, `GREEN`, `AMBER`, `AMBER+STRICT`, `RED`; `WHITE` for TLP 1.0) from a
    /// `tlp:amber` or `tlp-amber` tag.
    static func tlp(_ tags: [String]) -> String? {
        for tag in tags {
            let lower = tag.lowercased()
            for prefix in ["tlp:", "tlp-"] where lower.hasPrefix(prefix) {
                let level = lower.dropFirst(prefix.count).uppercased()
                if ["CLEAR", "WHITE", "GREEN", "AMBER", "AMBER+STRICT", "RED"].contains(level) { return level }
            }
        }
        return nil
    }

    static func feed(_ r: RecordScanner) -> JSON? {
        guard let source = r.value("source"), source.isObject else { return nil }
        let title = source.member("feed_title")?.string
        let reference = source.member("home_page_url")?.string ?? source.member("feed_url")?.string
        guard title != nil || reference != nil else { return nil }
        let feed = JSON.object()
        if let title { feed.set("name", .string(title)) }
        if let reference { feed.set("reference", .string(reference)) }
        if let url = source.member("feed_url")?.string { feed.set("description", .string("cs advisories from " + url)) }
        return feed
    }
}
