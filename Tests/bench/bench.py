#!/usr/bin/env python3
"""make bench: the same inputs through cs and through the tools users compare it with, in one run.

Reports, per comparison, the median wall time of several runs, throughput, the ratio of medians
(peer / cs: above 1 means cs is faster) and the peak resident memory of each command.
Inputs are generated from the bundled example feeds (seed-shaped records), so the run needs nothing
outside the repository besides jq, Python's feedparser and feedparser-rs (installed by `make bench`).
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run_measured(argv, stdin_path=None, stdout_path=os.devnull, env=None):
    """Runs argv once; returns (seconds, peak RSS in MiB, exit status)."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    stdout = open(stdout_path, "wb")
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if stdin_path:
        stdin.close()
    stdout.close()
    code = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024.0, code, err


def measure(argv, runs, stdin_path=None, env=None, ok=(0,)):
    times, peaks = [], []
    for _ in range(runs):
        t, rss, code, err = run_measured(argv, stdin_path, env=env)
        if code not in ok:
            return {"error": f"exit {code}: {err.strip()[:300]}"}
        times.append(t)
        peaks.append(rss)
    return {"median_s": statistics.median(times), "min_s": min(times), "peak_mib": max(peaks), "runs": runs}


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
        paths = {}
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
    def compare(self, name, input_path, cs_argv, peers, unit_count, unit="records", env=None, cs_ok=(0,)):
        size = os.path.getsize(input_path) if input_path else 0
        row = {"name": name, "input_bytes": size, "units": unit_count, "unit": unit}
        row["cs"] = measure(cs_argv, self.runs, input_path, env=env, ok=cs_ok)
        row["cs"]["argv"] = " ".join(os.path.basename(a) if a.startswith(self.bin) else a for a in cs_argv)
        row["peers"] = {}
        for peer_name, argv in peers.items():
            if argv is None:
                continue
            m = measure(argv, self.runs, input_path)
            row["peers"][peer_name] = m
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
        self.compare("cs-enrich  vs  jq tag-to-tactic rewrite", records, [self.cs("cs-enrich")],
                     {"jq": [jq, "-c", "--argjson", "m", json.dumps(tactics), program] if jq else None}, self.records)

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
                         items, unit="items")
            self.results[-1]["input_bytes"] = os.path.getsize(path)

    def write_json(self):
        path = os.path.join(self.out, "bench.json")
        with open(path, "w") as f:
            json.dump(self.results, f, indent=1)
        print(f"\nresults: {path}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="directory holding the cs-* executables (a release build)")
    ap.add_argument("--out", default=os.path.join(ROOT, ".build", "bench"))
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--items", type=int, default=20_000, help="items per generated feed document")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", action="append", choices=["filter", "enrich", "normalize"], help="run only these groups")
    args = ap.parse_args()
    b = Bench(os.path.abspath(args.bin), args.out, args.runs, args.records)
    print(f"# cs benchmarks: {args.records} records, {args.items}-item feeds, median of {args.runs} runs; "
          f"ratio = peer time / cs time (above 1: cs is faster)")
    groups = args.only or ["filter", "enrich", "normalize"]
    if "filter" in groups:
        b.filter_benches()
    if "enrich" in groups:
        b.enrich_benches()
    if "normalize" in groups:
        b.normalize_benches(args.items)
    b.write_json()


if __name__ == "__main__":
    main()
