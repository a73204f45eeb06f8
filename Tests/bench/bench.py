#!/usr/bin/env python3
"""make bench: the same inputs through cs and through the tools users compare it with, in one run.

Reports, per comparison, the median wall time of several runs (cs and its peers take turns, so that a
drift in the shared machine's speed falls on all of them), throughput, the ratio of medians (peer / cs:
above 1 means cs is faster) and the peak resident memory of each command.
Inputs are generated from the bundled example feeds (seed-shaped records), so the run needs nothing
outside the repository besides jq, Python's feedparser and feedparser-rs (installed by `make bench`).
"""
import argparse
import json
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


GNU_TIME = "/usr/bin/time"


def run_measured(argv, stdin_path=None, stdout_path=os.devnull, env=None):
    """Runs argv once; returns (seconds, peak RSS in MiB, exit status, stderr).

    Peak memory comes from GNU time (%M), not from this Python process's wait4: a child forked from
    Python inherits Python's resident pages before exec, and Linux counts them in its ru_maxrss.
    """
    fd, rss_file = tempfile.mkstemp(prefix="cs-bench-rss-")
    os.close(fd)
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    stdout = open(stdout_path, "wb")
    start = time.perf_counter()
    proc = subprocess.run([GNU_TIME, "-f", "%M", "-o", rss_file] + list(argv), stdin=stdin, stdout=stdout,
                          stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if stdin_path:
        stdin.close()
    stdout.close()
    with open(rss_file) as f:
        lines = [l for l in f.read().split() if l.isdigit()]
    os.unlink(rss_file)
    peak_mib = int(lines[-1]) / 1024.0 if lines else float("nan")
    return elapsed, peak_mib, proc.returncode, proc.stderr.decode(errors="replace")


def measure_interleaved(commands, runs, stdin_path=None):
    """Runs each command once per round, `runs` rounds, cs and its peers taking turns: on a shared machine
    whose speed drifts, every command sees the same drift. commands: name -> (argv, env, accepted exit codes).
    Returns name -> {median_s, min_s, peak_mib, runs} or {error} for a command that failed."""
    times = {name: [] for name in commands}
    peaks = {name: [] for name in commands}
    failed = {}
    for _ in range(runs):
        for name, (argv, env, ok) in commands.items():
            if name in failed:
                continue
            t, rss, code, err = run_measured(argv, stdin_path, env=env)
            if code not in ok:
                failed[name] = {"error": f"exit {code}: {err.strip()[:300]}"}
                continue
            times[name].append(t)
            peaks[name].append(rss)
    return {name: failed.get(name) or {"median_s": statistics.median(times[name]), "min_s": min(times[name]),
                                       "peak_mib": max(peaks[name]), "runs": runs}
            for name in commands}


class Bench:
    def __init__(self, bindir, outdir, runs, records):
        self.bin = bindir
        self.out = outdir
        self.runs = runs
        self.records = records
        self.results = []
        os.makedirs(outdir, exist_ok=True)

    def cs(self, stage):
        return os.path.join(self.bin, stage)

    # ---------- inputs ----------
    def example_records(self):
        feeds = sorted(os.path.join(ROOT, "examples", "feeds", f) for f in os.listdir(os.path.join(ROOT, "examples", "feeds")))
        out = subprocess.run([self.cs("cs-normalize")] + feeds, capture_output=True, check=True).stdout
        return [json.loads(l) for l in out.splitlines() if l.strip()]

    def make_records(self):
        path = os.path.join(self.out, f"records-{self.records}.ndjson")
        if os.path.exists(path):
            return path
        base = self.example_records()
        rnd = random.Random(7)
        with open(path, "w") as f:
            for i in range(self.records):
                r = dict(base[i % len(base)])
                r["id"] = f"{r['id']}#{i}"
                r["uid"] = "%032x" % rnd.getrandbits(128)
                r["title"] = f"{r['title']} ({i})"
                f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
        return path

    def make_enriched(self, records):
        path = records.replace(".ndjson", ".enriched.ndjson")
        if not os.path.exists(path):
            with open(records, "rb") as src, open(path, "wb") as dst:
                subprocess.run([self.cs("cs-enrich")], stdin=src, stdout=dst, check=True)
        return path

    def make_feed_documents(self, items):
        """RSS 2.0, Atom 1.0 and JSON Feed 1.1 documents of `items` seed-shaped items."""
        from xml.sax.saxutils import escape
        base = self.example_records()
        rss = os.path.join(self.out, f"feed-{items}.rss.xml")
        atom = os.path.join(self.out, f"feed-{items}.atom.xml")
        jsonf = os.path.join(self.out, f"feed-{items}.feed.json")
        if not os.path.exists(rss):
            with open(rss, "w") as f:
                f.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>bench</title><link>https://bench.example.org/</link><description>bench</description>\n')
                for i in range(items):
                    r = base[i % len(base)]
                    f.write(f"<item><title>{escape(r['title'])} {i}</title><link>{r['url']}{i}</link><guid>{r['url']}{i}</guid>"
                            f"<pubDate>Wed, 22 Apr 2026 18:43:05 +0000</pubDate><description>{escape(r['summary'] or '')}</description>"
                            f"<content:encoded><![CDATA[{r['content_html']}]]></content:encoded>"
                            f"<category domain=\"severity\">{r['severity'] or 'info'}</category>"
                            + "".join(f"<category>{escape(t)}</category>" for t in r["tags"]) + "</item>\n")
                f.write("</channel></rss>\n")
        if not os.path.exists(atom):
            with open(atom, "w") as f:
                f.write('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>bench</title><id>urn:bench</id><updated>2026-04-22T18:43:05Z</updated><link href="https://bench.example.org/"/>\n')
                for i in range(items):
                    r = base[i % len(base)]
                    f.write(f"<entry><title>{escape(r['title'])} {i}</title><id>{r['url']}{i}</id><link href=\"{r['url']}{i}\"/>"
                            f"<updated>2026-04-22T18:43:05Z</updated><summary>{escape(r['summary'] or '')}</summary>"
                            f"<content type=\"html\">{escape(r['content_html'])}</content>"
                            + "".join(f"<category term=\"{escape(t)}\"/>" for t in r["tags"]) + "</entry>\n")
                f.write("</feed>\n")
        if not os.path.exists(jsonf):
            doc = {"version": "https://jsonfeed.org/version/1.1", "title": "bench", "home_page_url": "https://bench.example.org/", "items": []}
            for i in range(items):
                r = base[i % len(base)]
                doc["items"].append({"id": f"{r['id']}{i}", "url": f"{r['url']}{i}", "title": f"{r['title']} {i}", "summary": r["summary"],
                                     "content_html": r["content_html"], "date_published": "2026-04-22T18:43:05Z",
                                     "tags": r["tags"], "_cs_severities": r["severities"]})
            with open(jsonf, "w") as f:
                json.dump(doc, f, ensure_ascii=False)
        return {"rss": rss, "atom": atom, "json": jsonf}

    # ---------- reporting ----------
    def compare(self, name, input_path, cs_argv, peers, unit_count, unit="records", env=None, cs_ok=(0,), size_of=None):
        """input_path feeds stdin; size_of names the file whose size counts when the input is an argument."""
        sized = size_of or input_path
        size = os.path.getsize(sized) if sized else 0
        row = {"name": name, "input_bytes": size, "units": unit_count, "unit": unit}
        commands = {"cs": (cs_argv, env, cs_ok)}
        commands.update({peer: (argv, None, (0,)) for peer, argv in peers.items() if argv is not None})
        measured = measure_interleaved(commands, self.runs, input_path)
        row["cs"] = measured.pop("cs")
        row["cs"]["argv"] = " ".join(os.path.basename(a) if a.startswith(self.bin) else a for a in cs_argv)
        row["peers"] = measured
        self.results.append(row)
        self.print_row(row)

    def print_row(self, row):
        def rate(m):
            if "median_s" not in m:
                return "failed: " + m.get("error", "?")
            mbps = row["input_bytes"] / m["median_s"] / 1e6 if row["input_bytes"] else 0
            ups = row["units"] / m["median_s"]
            return f"{m['median_s']:7.3f}s  {ups:10.0f} {row['unit']}/s  {mbps:7.1f} MB/s  peak {m['peak_mib']:6.1f} MiB"
        print(f"\n## {row['name']}  ({row['units']} {row['unit']}, {row['input_bytes'] / 1e6:.1f} MB)")
        print(f"  cs    {rate(row['cs'])}    [{row['cs'].get('argv', '')}]")
        for peer, m in row["peers"].items():
            ratio = ""
            if "median_s" in m and "median_s" in row["cs"]:
                ratio = f"  -> cs is {m['median_s'] / row['cs']['median_s']:.1f}x {peer}"
            print(f"  {peer:5s} {rate(m)}{ratio}")
        sys.stdout.flush()

    # ---------- the comparisons ----------
    def filter_benches(self):
        records = self.make_records()
        jq = shutil.which("jq")
        self.compare("cs-filter --sev high  vs  jq select", records, [self.cs("cs-filter"), "--sev", "high"],
                     {"jq": [jq, "-c", 'select(.severity == "high" or .severity == "critical")'] if jq else None}, self.records)
        enriched = self.make_enriched(records)
        self.compare("cs-filter --tactic TA0006  vs  jq select", enriched, [self.cs("cs-filter"), "--tactic", "TA0006"],
                     {"jq": [jq, "-c", 'select(any(.attack.tactics[]?; .id == "TA0006"))'] if jq else None}, self.records)
        self.compare("cs-filter --grep  vs  jq test()", records, [self.cs("cs-filter"), "--grep", "password spray"],
                     {"jq": [jq, "-c", 'select(((.title // "") + "\\n" + (.summary // "") + "\\n" + (.content_text // "")) | test("password spray"; "i"))'] if jq else None},
                     self.records)

    def enrich_benches(self):
        records = self.make_records()
        jq = shutil.which("jq")
        tactics = {"reconnaissance": "TA0043", "resource-development": "TA0042", "initial-access": "TA0001", "execution": "TA0002",
                   "persistence": "TA0003", "privilege-escalation": "TA0004", "defense-evasion": "TA0005", "credential-access": "TA0006",
                   "discovery": "TA0007", "lateral-movement": "TA0008", "collection": "TA0009", "command-and-control": "TA0011",
                   "exfiltration": "TA0010", "impact": "TA0040"}
        program = '.attack = {version: "18.1", tactics: [.tags[] | select($m[.]) | {id: $m[.], via: ["tag:" + .]}]}'
        jq_argv = [jq, "-c", "--argjson", "m", json.dumps(tactics), program] if jq else None
        empty = os.path.join(self.out, "no-data")
        os.makedirs(empty, exist_ok=True)
        self.compare("cs-enrich  vs  jq tag-to-tactic rewrite", records, [self.cs("cs-enrich"), "--data-dir", empty],
                     {"jq": jq_argv}, self.records)
        # cs-enrich enriches on two threads into a pipe or file (EnrichBatch): its CPU time (both threads)
        # against jq's is the ratio on one core, the one above without what the second core adds.
        self.compare_cpu("cs-enrich CPU time (user + system)  vs  jq's", records, [self.cs("cs-enrich"), "--data-dir", empty],
                         {"jq": jq_argv}, self.records)
        # The technique model (scoring every sentence) against none, and its load at start-up.
        self.compare("cs-enrich --no-model  vs  jq tag-to-tactic rewrite", records, [self.cs("cs-enrich"), "--no-model", "--data-dir", empty],
                     {"jq": jq_argv}, self.records)
        self.compare("cs-enrich start-up: technique model loaded  vs  --no-model", None, [self.cs("cs-enrich"), "--data-dir", empty],
                     {"cs-enrich --no-model": [self.cs("cs-enrich"), "--no-model", "--data-dir", empty]}, 1, unit="runs")
        kev, epss = self.make_priority_data()
        self.compare("cs-enrich --kev --epss (300k CVEs)  vs  jq tag-to-tactic rewrite", records,
                     [self.cs("cs-enrich"), "--kev", kev, "--epss", epss], {"jq": jq_argv}, self.records)
        # Start-up cost of the data: an empty input with the full-size EPSS file and KEV catalog, against none.
        self.compare("cs-enrich start-up: KEV + 300k-CVE EPSS loaded  vs  no data", None,
                     [self.cs("cs-enrich"), "--kev", kev, "--epss", epss],
                     {"cs-enrich (no data)": [self.cs("cs-enrich"), "--data-dir", empty]}, 1, unit="runs")

    def compare_cpu(self, name, input_path, cs_argv, peers, unit_count):
        """Like compare, with CPU seconds (user + system of the process and all its threads, from the
        children's rusage) instead of wall time; peak memory is not measured here."""
        def cpu(argv):
            times = []
            for _ in range(self.runs):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                with open(input_path, "rb") as stdin, open(os.devnull, "wb") as out:
                    subprocess.run(argv, stdin=stdin, stdout=out, stderr=subprocess.DEVNULL, check=True)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                times.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            return {"median_s": statistics.median(times), "min_s": min(times), "peak_mib": float("nan"), "runs": self.runs}
        row = {"name": name, "input_bytes": os.path.getsize(input_path), "units": unit_count, "unit": "records"}
        row["cs"] = cpu(cs_argv)
        row["cs"]["argv"] = " ".join(os.path.basename(a) if a.startswith(self.bin) else a for a in cs_argv)
        row["peers"] = {peer: cpu(argv) for peer, argv in peers.items() if argv is not None}
        self.results.append(row)
        self.print_row(row)

    def make_priority_data(self, cves=300_000, kev_entries=1_400):
        """A full-size EPSS file (gzip, FIRST's layout) and a KEV catalog of the published size, over CVEs that
        include the ones the generated records name."""
        import gzip
        epss = os.path.join(self.out, "epss_scores-bench.csv.gz")
        kev = os.path.join(self.out, "kev-bench.json")
        if not os.path.exists(epss):
            rnd = random.Random(7)
            with gzip.open(epss, "wt") as f:
                f.write("#model_version:v2025.03.14,score_date:2026-12-03T12:55:00Z\ncve,epss,percentile\n")
                for i in range(cves):
                    f.write(f"CVE-{1999 + i * 28 // cves}-{1000 + i},{rnd.random():.5f},{i / cves:.5f}\n")
        if not os.path.exists(kev):
            vulns = [{"cveID": f"CVE-{2010 + i % 17}-{1000 + i * 37}", "vendorProject": "Example", "product": "Product",
                      "vulnerabilityName": "Example Vulnerability", "dateAdded": "2024-04-12",
                      "shortDescription": "An example entry of the published shape.", "requiredAction": "Apply mitigations per vendor instructions.",
                      "dueDate": "2024-05-03", "knownRansomwareCampaignUse": "Unknown", "notes": "", "cwes": ["CWE-77"]}
                     for i in range(kev_entries)]
            with open(kev, "w") as f:
                json.dump({"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2026.12.03",
                           "dateReleased": "2026-12-03T17:02:11.4512Z", "count": len(vulns), "vulnerabilities": vulns}, f, indent=4)
        return kev, epss

    def normalize_benches(self, items):
        docs = self.make_feed_documents(items)
        fp = os.path.join(self.out, "peer_feedparser.py")
        with open(fp, "w") as f:
            f.write("import sys, json, feedparser\n"
                    "d = feedparser.parse(open(sys.argv[1], 'rb').read())\n"
                    "out = sys.stdout\n"
                    "for e in d.entries:\n"
                    "    out.write(json.dumps({'id': e.get('id'), 'title': e.get('title'), 'url': e.get('link'), 'summary': e.get('summary'),\n"
                    "        'published': e.get('published'), 'tags': [t.get('term') for t in e.get('tags', [])]}) + '\\n')\n")
        fprs = os.path.join(self.out, "peer_feedparser_rs.py")
        with open(fprs, "w") as f:
            f.write("import sys, json, feedparser_rs\n"
                    "limits = feedparser_rs.ParserLimits(max_entries=10**7, max_feed_size_bytes=2**31)\n"
                    "d = feedparser_rs.parse_with_limits(open(sys.argv[1], 'rb').read(), limits=limits)\n"
                    "out = sys.stdout\n"
                    "for e in d.entries:\n"
                    "    out.write(json.dumps({'id': e.get('id'), 'title': e.get('title'), 'url': e.get('link'), 'summary': e.get('summary'),\n"
                    "        'published': e.get('published'), 'tags': [t.get('term') for t in e.get('tags', [])]}) + '\\n')\n")
        have_fp = subprocess.run([sys.executable, "-c", "import feedparser"], capture_output=True).returncode == 0
        have_rs = subprocess.run([sys.executable, "-c", "import feedparser_rs"], capture_output=True).returncode == 0
        for kind, path in docs.items():
            self.compare(f"cs-normalize {kind}  vs  feedparser, feedparser-rs", None,
                         [self.cs("cs-normalize"), path],
                         {"fp": [sys.executable, fp, path] if have_fp else None,
                          "fp-rs": [sys.executable, fprs, path] if have_rs else None},
                         items, unit="items", size_of=path)

    def fetch_benches(self, feeds=200, items=50):
        """Many feeds from a loopback server: cs-fetch --parallel 16 against a Python loop with feedparser,
        then the same again when every feed answers 304."""
        from xml.sax.saxutils import escape
        base = self.example_records()
        site = os.path.join(self.out, f"site-{feeds}x{items}")
        if not os.path.isdir(site):
            os.makedirs(site)
            for n in range(feeds):
                with open(os.path.join(site, f"feed{n}.xml"), "w") as f:
                    f.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
                            f'<title>feed {n}</title><link>https://bench.example.org/{n}/</link><description>bench</description>\n')
                    for i in range(items):
                        r = base[(n + i) % len(base)]
                        f.write(f"<item><title>{escape(r['title'])} {n}.{i}</title><link>{r['url']}{n}/{i}</link><guid>{r['url']}{n}/{i}</guid>"
                                f"<pubDate>Wed, 22 Apr 2026 18:43:05 +0000</pubDate><description>{escape(r['summary'] or '')}</description>"
                                f"<content:encoded><![CDATA[{r['content_html']}]]></content:encoded>"
                                f"<category domain=\"severity\">{r['severity'] or 'info'}</category></item>\n")
                    f.write("</channel></rss>\n")
        server = subprocess.Popen([sys.executable, os.path.join(HERE, "loopback_server.py"), site, "--lifetime", "1800"],
                                  stdout=subprocess.PIPE, text=True)
        try:
            port = int(server.stdout.readline())
            urls = [f"http://127.0.0.1:{port}/feed{n}.xml" for n in range(feeds)]
            listing = os.path.join(self.out, "bench-feeds.txt")
            with open(listing, "w") as f:
                f.write("\n".join(urls) + "\n")
            loop = os.path.join(self.out, "peer_feedparser_loop.py")
            with open(loop, "w") as f:
                f.write("import sys, json, feedparser\n"
                        "urls = [l.strip() for l in open(sys.argv[1]) if l.strip()]\n"
                        "state = json.load(open(sys.argv[2])) if len(sys.argv) > 2 and sys.argv[2] != '-' else None\n"
                        "seen = {}\n"
                        "for u in urls:\n"
                        "    s = (state or {}).get(u, {})\n"
                        "    d = feedparser.parse(u, etag=s.get('etag'), modified=s.get('modified'))\n"
                        "    seen[u] = {'etag': d.get('etag'), 'modified': d.get('modified')}\n"
                        "    for e in d.entries:\n"
                        "        sys.stdout.write(json.dumps({'id': e.get('id'), 'title': e.get('title'), 'url': e.get('link')}) + '\\n')\n"
                        "if len(sys.argv) > 3:\n"
                        "    json.dump(seen, open(sys.argv[3], 'w'))\n")
            py_state = os.path.join(self.out, "peer_state.json")
            subprocess.run([sys.executable, loop, listing, "-", py_state], stdout=subprocess.DEVNULL, check=True)
            have_fp = subprocess.run([sys.executable, "-c", "import feedparser"], capture_output=True).returncode == 0
            self.compare(f"cs-fetch {feeds} feeds x {items} items  vs  Python feedparser loop", None,
                         [self.cs("cs-fetch"), "--parallel", "16", "--feeds", listing],
                         {"py": [sys.executable, loop, listing] if have_fp else None}, feeds * items, unit="items")
            state = os.path.join(self.out, "bench-fetch-state.db")
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(state + suffix):
                    os.unlink(state + suffix)
            subprocess.run([self.cs("cs-fetch"), "--parallel", "16", "--state", state, "--feeds", listing],
                           stdout=subprocess.DEVNULL, check=True)
            self.compare(f"cs-fetch {feeds} feeds, all 304  vs  Python feedparser loop with etags", None,
                         [self.cs("cs-fetch"), "--parallel", "16", "--state", state, "--new-only", "--feeds", listing],
                         {"py": [sys.executable, loop, listing, py_state] if have_fp else None}, feeds, unit="feeds")
        finally:
            server.kill()
            server.wait()

    def sink_benches(self, batch=500):
        """cs-sink delivering records into a file, into SQLite and to a loopback HTTP endpoint, against
        a plain Python equivalent of each (sink_peers.py: parse and check each record, then deliver)."""
        records = self.make_records()
        peers = os.path.join(HERE, "sink_peers.py")
        out_file, py_file = os.path.join(self.out, "sink-bench.ndjson"), os.path.join(self.out, "sink-bench-py.ndjson")
        for path in (out_file, py_file):
            if os.path.exists(path):
                os.unlink(path)
        self.compare("cs-sink --to FILE  vs  Python append loop", records,
                     [self.cs("cs-sink"), "--to", out_file], {"py": [sys.executable, peers, "file", py_file]}, self.records)
        for path in (out_file, py_file):
            os.unlink(path)
        db, py_db = os.path.join(self.out, "sink-bench.db"), os.path.join(self.out, "sink-bench-py.db")
        for path in (db, py_db):
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(path + suffix):
                    os.unlink(path + suffix)
        # Reruns upsert the same rows: every run after the first measures updates, for both.
        self.compare("cs-sink --to sqlite:DB  vs  Python sqlite3 upserts", records,
                     [self.cs("cs-sink"), "--to", "sqlite:" + db], {"py": [sys.executable, peers, "sqlite", py_db]}, self.records)
        server = subprocess.Popen([sys.executable, os.path.join(HERE, "loopback_server.py"), "--lifetime", "1800"],
                                  stdout=subprocess.PIPE, text=True)
        try:
            url = f"http://127.0.0.1:{int(server.stdout.readline())}/hook"
            self.compare(f"cs-sink --to http:// --batch {batch}  vs  Python http.client POSTs", records,
                         [self.cs("cs-sink"), "--to", url, "--batch", str(batch)],
                         {"py": [sys.executable, peers, "http", url, str(batch)]}, self.records)
        finally:
            server.kill()
            server.wait()

    def streams_benches(self, batch=1000):
        """cs worker -- cs-filter --sev high over a Redis stream of the records, with 1 and 2 workers (a
        group each, output to a stream), against the same filter over a pipe. Time runs from the workers'
        start until the group has no lag and nothing pending (docs/scale-out.md)."""
        redis_server = shutil.which("redis-server")
        if not redis_server:
            print("streams: skipped (redis-server not installed: make deps)")
            return
        records = self.make_records()
        folder = tempfile.mkdtemp(prefix="cs-bench-redis-")
        server, port = None, None
        for _ in range(20):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            server = subprocess.Popen([redis_server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                       "--dir", folder, "--logfile", os.path.join(folder, "log")])
            while server.poll() is None and not resp_ping(port):
                time.sleep(0.01)   # between readiness probes
            if server.poll() is None:
                break
        try:
            url = f"redis://127.0.0.1:{port}"
            with open(records, "rb") as f:
                subprocess.run([self.cs("cs-sink"), "--to", url + "/bench-in"], stdin=f, check=True)
            start = time.monotonic()
            with open(records, "rb") as f:
                subprocess.run([self.cs("cs-filter"), "--sev", "high"], stdin=f, stdout=subprocess.DEVNULL)
            pipe_s = time.monotonic() - start
            print(f"streams: cs-filter --sev high over a pipe: {self.records / pipe_s:,.0f} records/s")
            rates = {}
            for workers in (1, 2):
                group = f"bench-{workers}"
                start = time.monotonic()
                procs = [subprocess.Popen([self.cs("cs"), "worker", "--from", url + "/bench-in", "--group", group,
                                           "--consumer", f"w{i}", "--to", f"{url}/bench-out-{workers}", "--batch", str(batch),
                                           "--", "cs-filter", "--sev", "high"], env=dict(os.environ, PATH=self.bin + ":" + os.environ["PATH"]))
                         for i in range(workers)]
                while not resp_group_drained(port, "bench-in", group):
                    time.sleep(0.01)   # between probes of the group's lag and pending count
                elapsed = time.monotonic() - start
                for p in procs:
                    p.terminate()
                for p in procs:
                    p.wait()
                rates[workers] = self.records / elapsed
                print(f"streams: cs worker x{workers} -- cs-filter --sev high: {rates[workers]:,.0f} records/s "
                      f"({rates[workers] / workers:,.0f} per worker; {elapsed / pipe_s:.1f}x the pipe's time)")
            print(f"streams: 2 workers / 1 worker: {rates[2] / rates[1]:.2f}x")
            self.results.append({"name": "cs worker -- cs-filter --sev high (Redis Streams)", "units": self.records, "unit": "records",
                                 "input_bytes": os.path.getsize(records), "cs": {}, "peers": {},
                                 "streams": {"pipe_records_per_s": self.records / pipe_s, "workers_1": rates[1], "workers_2": rates[2]}})
        finally:
            server.terminate()
            server.wait()
            shutil.rmtree(folder, ignore_errors=True)

    def write_markdown(self, path):
        """The results as a Markdown table (docs/bench.md is written this way)."""
        lines = ["| comparison | input | cs | peer | ratio | cs peak | peer peak |", "|---|---|---|---|---|---|---|"]
        for row in self.results:
            cs = row["cs"]
            size = f"{row['units']} {row['unit']}" + (f", {row['input_bytes'] / 1e6:.0f} MB" if row["input_bytes"] else "")
            for peer, m in row["peers"].items():
                if "median_s" not in m or "median_s" not in cs:
                    continue
                lines.append(f"| {row['name']} | {size} | {cs['median_s']:.2f} s | {peer} {m['median_s']:.2f} s | "
                             f"**{m['median_s'] / cs['median_s']:.1f}x** | {cs['peak_mib']:.1f} MiB | {m['peak_mib']:.1f} MiB |")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        print(f"markdown: {path}")

    def write_json(self):
        path = os.path.join(self.out, "bench.json")
        with open(path, "w") as f:
            json.dump(self.results, f, indent=1)
        print(f"\nresults: {path}")


def resp(port, *words):
    """One command to Redis over RESP (enough for the benchmark's probes: PING, XINFO)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"*%d\r\n" % len(words) + b"".join(b"$%d\r\n%s\r\n" % (len(w.encode()), w.encode()) for w in words))
        f = s.makefile("rb")
        def read():
            line = f.readline()
            kind, rest = line[:1], line[1:-2]
            if kind in (b"+", b"-"):
                return rest.decode()
            if kind == b":":
                return int(rest)
            if kind == b"$":
                n = int(rest)
                return None if n < 0 else f.read(n + 2)[:-2].decode()
            if kind == b"*":
                n = int(rest)
                return None if n < 0 else [read() for _ in range(n)]
            raise ValueError(line)
        return read()


def resp_ping(port):
    try:
        return resp(port, "PING") == "PONG"
    except OSError:
        return False


def resp_group_drained(port, stream, group):
    for g in resp(port, "XINFO", "GROUPS", stream) or []:
        info = dict(zip(g[::2], g[1::2]))
        if info.get("name") == group:
            return info.get("lag") == 0 and info.get("pending") == 0
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="directory holding the cs-* executables (a release build)")
    ap.add_argument("--out", default=os.path.join(ROOT, ".build", "bench"))
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--items", type=int, default=20_000, help="items per generated feed document")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--markdown", help="also write the results as a Markdown table to this file")
    ap.add_argument("--only", action="append", choices=["filter", "enrich", "normalize", "fetch", "sink", "streams"], help="run only these groups")
    args = ap.parse_args()
    if not os.access(GNU_TIME, os.X_OK):
        sys.exit("bench: needs GNU time at /usr/bin/time for peak memory (apt-get install time)")
    b = Bench(os.path.abspath(args.bin), args.out, args.runs, args.records)
    print(f"# cs benchmarks: {args.records} records, {args.items}-item feeds, median of {args.runs} runs; "
          f"ratio = peer time / cs time (above 1: cs is faster)")
    groups = args.only or ["filter", "enrich", "normalize", "fetch", "sink", "streams"]
    if "filter" in groups:
        b.filter_benches()
    if "enrich" in groups:
        b.enrich_benches()
    if "normalize" in groups:
        b.normalize_benches(args.items)
    if "fetch" in groups:
        b.fetch_benches()
    if "sink" in groups:
        b.sink_benches()
    if "streams" in groups:
        b.streams_benches()
    b.write_json()
    if args.markdown:
        b.write_markdown(args.markdown)


if __name__ == "__main__":
    main()
