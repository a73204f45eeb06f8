// swift-tools-version:6.0
// cs: threat-advisory feeds into ATT&CK-mapped NDJSON. See README.md and docs/.
import PackageDescription

// C libraries come in as system-library targets: one module per library, each with a small shim
// header for what Swift cannot call directly (variadic functions, function-like macros).
let cLibraries: [Target] = [
    .systemLibrary(name: "CJansson", pkgConfig: "jansson", providers: [.apt(["libjansson-dev"])]),
    .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
    .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
    .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
    // gzip for the EPSS file cs-enrich reads (FIRST publishes it gzipped).
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    // Signal handling and other POSIX glue that needs C (async-signal-safe flags).
    .target(name: "CSPosix"),
    // OpenSSL's libcrypto: SHA-256 for record uids and content hashes (CSCore's SHA256).
    .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
    // hiredis: the Redis client behind cs-sink --to redis://, cs worker and cs-fetch --state redis://.
    .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
]

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "cs",
    products: [
        .executable(name: "cs", targets: ["cs"]),
        .executable(name: "cs-fetch", targets: ["cs-fetch"]),
        .executable(name: "cs-normalize", targets: ["cs-normalize"]),
        .executable(name: "cs-enrich", targets: ["cs-enrich"]),
        .executable(name: "cs-filter", targets: ["cs-filter"]),
        .executable(name: "cs-sink", targets: ["cs-sink"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: cLibraries + [
        // What every stage shares: the record over jansson, NDJSON I/O, diagnostics, exit policy; no command line.
        .target(name: "CSCore", dependencies: ["CJansson", "CSPosix", "CCrypto"]),
        // The command line every executable shares over swift-argument-parser: the common options
        // (StageOptions), `main` with cs's exit statuses (StageMain), `--describe`'s option list.
        .target(name: "CSCommandLine", dependencies: ["CSCore", argumentParser]),
        // Feed documents (RSS, Atom, JSON Feed) into cs.advisory/1 records.
        .target(name: "CSFeed", dependencies: ["CSCore", "CLibXML2"]),
        // libcurl, wrapped once, for the stages that speak HTTP.
        .target(name: "CSHTTP", dependencies: ["CCurl", "CSCore"]),
        // SQLite, wrapped once for both stores (cs-fetch --state, cs-sink --to sqlite:): one open path
        // that is safe when several processes create the same file at once.
        .target(name: "CSSQLite", dependencies: ["CSQLite", "CSCore"]),
        // --state: a SQLite file, or Redis (CSRedis) shared by fetchers on several machines.
        .target(name: "CSFetch", dependencies: ["CSCore", "CSFeed", "CSHTTP", "CSSQLite", "CSRedis"]),
        // ATT&CK tables generated from MITRE's data (make attack-tables), and the mapping onto them.
        .target(name: "CSAttack"),
        .target(name: "CSEnrich", dependencies: ["CSCore", "CSAttack", "CZlib"]),
        .target(name: "CSFilter", dependencies: ["CSCore", "CSAttack"]),
        .target(name: "CSSink", dependencies: ["CSCore", "CSHTTP", "CSSQLite", "CSAttack", "CSRedis"]),
        // The umbrella's work: running stages and plugins as processes, pipeline files.
        .target(name: "CSRun", dependencies: ["CSCore"]),
        // hiredis, wrapped once: connections, AUTH, argv commands, pipelines, reconnect with backoff.
        .target(name: "CSRedis", dependencies: ["CHiredis", "CSCore", "CSPosix"]),
        // `cs worker`: a stage bound to Redis Streams (XREADGROUP, the stage per batch, MULTI/EXEC of output and XACK).
        .target(name: "CSWorker", dependencies: ["CSRedis", "CSRun", "CSCore", "CSPosix"]),

        // Thin executables: argument parsing, then a call into a library.
        .executableTarget(name: "cs-fetch", dependencies: ["CSFetch", "CSCore", "CSCommandLine", argumentParser]),
        .executableTarget(name: "cs-normalize", dependencies: ["CSFeed", "CSCore", "CSCommandLine", argumentParser]),
        .executableTarget(name: "cs-enrich", dependencies: ["CSEnrich", "CSAttack", "CSCore", "CSCommandLine", argumentParser]),
        .executableTarget(name: "cs-filter", dependencies: ["CSFilter", "CSAttack", "CSCore", "CSCommandLine", argumentParser]),
        .executableTarget(name: "cs-sink", dependencies: ["CSSink", "CSCore", "CSCommandLine", argumentParser]),
        .executableTarget(name: "cs", dependencies: ["CSRun", "CSCore", "CSWorker", "CSRedis", "CSCommandLine", argumentParser]),
        // Generates Sources/CSAttack/ATTACKTables.swift from MITRE's data (`make attack-tables`); not installed.
        .executableTarget(name: "attack-tables", dependencies: ["CSCore", argumentParser]),

        // Fuzzing (docs/fuzzing.md), not products: one executable per parser over the checks in CSFuzz, and a C
        // driver that is libFuzzer's in a `make fuzz` build and replays corpus files in a plain one.
        .target(name: "CFuzzDriver"),
        .target(name: "CSFuzz", dependencies: ["CFuzzDriver", "CSCore", "CSFeed", "CSFilter", "CSRun", "CSEnrich"]),
        .executableTarget(name: "fuzz-feed", dependencies: ["CSFuzz"]),
        .executableTarget(name: "fuzz-scanner", dependencies: ["CSFuzz"]),
        .executableTarget(name: "fuzz-where", dependencies: ["CSFuzz"]),
        .executableTarget(name: "fuzz-pipeline", dependencies: ["CSFuzz"]),
        .executableTarget(name: "fuzz-enrich", dependencies: ["CSFuzz"]),
        .executableTarget(name: "fuzz-html", dependencies: ["CSFuzz"]),

        // Test targets come in two kinds (docs/testing.md): `<Module>Tests` are units, in-process and quick
        // (`make unit`); `<Module>ProcessTests` and CLITests start processes or servers: they run the built
        // executables (CS_BIN_DIR), loopback servers, rsyslog. Unit targets must not start either
        // (CSTestSupportTests/TestLayoutTests checks it).
        .testTarget(name: "CSCoreTests", dependencies: ["CSCore", "CJansson", "CSTestSupport"]),
        // Goldens/: libxml2's HTML parser output saved for HTMLParserDifferentialTests (CS_UPDATE_GOLDENS=1 rewrites).
        .testTarget(name: "CSFeedTests", dependencies: ["CSFeed", "CSCore", "CSTestSupport"], exclude: ["Goldens"]),
        .testTarget(name: "CSFeedProcessTests", dependencies: ["CSFeed", "CSCore", "CSTestSupport"]),
        .testTarget(name: "CSEnrichTests", dependencies: ["CSEnrich", "CSAttack", "CSCore", "CSTestSupport"]),
        .testTarget(name: "CSEnrichProcessTests", dependencies: ["CSEnrich", "CSAttack", "CSCore", "CSTestSupport"]),
        .testTarget(name: "CSFilterTests", dependencies: ["CSFilter", "CSCore", "CSTestSupport"]),
        .testTarget(name: "CSFilterProcessTests", dependencies: ["CSFilter", "CSCore", "CSTestSupport"]),
        .testTarget(name: "CSSinkTests", dependencies: ["CSSink", "CSCore", "CSTestSupport"]),
        // Runs the built cs-sink against loopback servers (Fixtures/sink_server.py plays Splunk HEC and
        // Elasticsearch) and Debian's rsyslog.
        .testTarget(name: "CSSinkProcessTests", dependencies: ["CSSink", "CSCore", "CSTestSupport", "CSAttack"], exclude: ["Fixtures"]),
        .testTarget(name: "CSRunTests", dependencies: ["CSRun", "CSCore", "CSTestSupport"]),
        // The pipeline runner wiring small shell scripts into a real pipeline.
        .testTarget(name: "CSRunProcessTests", dependencies: ["CSRun", "CSCore", "CSTestSupport"]),
        // The SQLite wrapper under contention: threads opening one new file at once.
        .testTarget(name: "CSSQLiteTests", dependencies: ["CSSQLite", "CSCore", "CSTestSupport"]),
        .testTarget(name: "CSFetchTests", dependencies: ["CSFetch", "CSHTTP", "CSCore", "CSTestSupport"]),
        // Runs the built cs-fetch against a loopback HTTP server (Fixtures/feed_server.py) that misbehaves on purpose.
        // FetchRedisStateTests add real redis-server processes and `cs worker` (--state redis://).
        .testTarget(name: "CSFetchProcessTests", dependencies: ["CSFetch", "CSHTTP", "CSCore", "CSRedis", "CSTestSupport"], exclude: ["Fixtures"]),
        // Helpers the test targets share (running built executables, ../shared, seeded randomness, fixtures).
        .target(name: "CSTestSupport", path: "Tests/CSTestSupport"),
        // The helpers themselves, and the rule that unit targets start no processes or servers.
        .testTarget(name: "CSTestSupportTests", dependencies: ["CSTestSupport"]),
        // Runs the built executables the way users do: pipes, exit codes, stderr.
        .testTarget(name: "CLITests", dependencies: ["CSCore", "CSTestSupport"]),
        // cs-sink --to redis://, cs worker and the hiredis wrapper against real redis-server processes on loopback.
        .testTarget(name: "CSRedisProcessTests", dependencies: ["CSRedis", "CSCore", "CSTestSupport"]),
        // Replays every committed fuzz corpus (Tests/fuzz/corpus) through the fuzz checks.
        .testTarget(name: "FuzzCorpusTests", dependencies: ["CSFuzz", "CSTestSupport"]),
    ]
)
