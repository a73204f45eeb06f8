#!/usr/bin/env python3
"""cs-fetch against a Python feedparser loop (its usual use), over loopback.

200 RSS feeds of 50 items each are served by the test fixture server (Tests/CSFetchTests/Fixtures/
feed_server.py, which answers 304 to a matching If-None-Match). Two comparisons, median of --runs:
  1. cold: every feed fetched and parsed (cs-fetch --parallel 16 vs feedparser.parse(url) in a loop)
  2. revalidation: every feed answers 304 (cs-fetch --state vs feedparser.parse(url, etag=, modified=))
Prints one JSON object a line and a summary. Usage: fetch_bench.py --bin DIR [--feeds 200] [--items 50]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(os.path.dirname(HERE), "CSFetchTests", "Fixtures", "feed_server.py")

PYTHON_LOOP = r"""
import json, sys, feedparser
urls = json.load(open(sys.argv[1]))
cache = json.load(open(sys.argv[2])) if len(sys.argv) > 2 else {}
items, seen = 0, {}
for url in urls:
    c = cache.get(url, {})
    d = feedparser.parse(url, etag=c.get("etag"), modified=c.get("modified"))
    items += len(d.entries)
    seen[url] = {"etag": d.get("etag"), "modified": d.get("modified")}
if len(sys.argv) > 3:
    json.dump(seen, open(sys.argv[3], "w"))
print(items)
"""


def rss(feed, items):
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>',
           f"<title>Bench feed {feed}</title><link>https://bench.example.org/{feed}/</link><description>bench</description>"]
    for i in range(items):
        out.append(
            f"<item><title>Advisory {feed}-{i}: credential access via password spraying</title>"
            f"<link>https://bench.example.org/{feed}/{i}</link><guid>bench-{feed}-{i}</guid>"
            f"<pubDate>Wed, 22 Apr 2026 18:43:05 GMT</pubDate>"
            f'<category domain="severity">high</category><category>credential_access</category><category>entra_id</category>'
            f"<description>Repeated failed sign-ins across many accounts from one source (T1110.003).</description>"
            f"<content:encoded><![CDATA[<h2>Attack chain</h2><ol><li>Enumerate users</li><li>Spray one password</li></ol>"
            f"<h2>Impact</h2><p>Account takeover of {feed}-{i}.</p><h2>Recommendations</h2><ul><li>Enforce MFA</li></ul>]]></content:encoded>"
            f"</item>")
    out.append("</channel></rss>")
    return "\n".join(out)


def timed(argv, env=None):
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{argv[0]} exited {proc.returncode}: {proc.stderr.decode(errors='replace')[:500]}")
    return elapsed, proc.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True, help="directory holding cs-fetch")
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--items", type=int, default=50)
    ap.add_argument("--parallel", type=int, default=16)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    try:
        import feedparser  # noqa: F401
    except ImportError:
        raise SystemExit("fetch_bench: Python's feedparser is needed (pip install feedparser)")

    work = tempfile.mkdtemp(prefix="cs-fetch-bench-")
    root = os.path.join(work, "root")
    os.makedirs(root)
    for f in range(args.feeds):
        with open(os.path.join(root, f"feed{f}.xml"), "w") as fh:
            fh.write(rss(f, args.items))
    server = subprocess.Popen([sys.executable, SERVER, root], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        port = int(server.stdout.readline().split()[1])
        urls = [f"http://127.0.0.1:{port}/files/feed{f}.xml" for f in range(args.feeds)]
        url_file = os.path.join(work, "urls.json")
        list_file = os.path.join(work, "feeds.txt")
        json.dump(urls, open(url_file, "w"))
        open(list_file, "w").write("\n".join(urls) + "\n")
        cs = [os.path.join(args.bin, "cs-fetch"), "--no-progress", "--parallel", str(args.parallel),
              "--per-host", str(args.parallel), "--feeds", list_file]
        py = [sys.executable, "-c", PYTHON_LOOP, url_file]
        expected = args.feeds * args.items

        results = {}
        # Cold: everything fetched and parsed.
        cs_cold, py_cold = [], []
        for _ in range(args.runs):
            t, out = timed(cs)
            records = out.count(b"\n")
            assert records == expected, f"cs-fetch emitted {records} records, expected {expected}"
            cs_cold.append(t)
            t, out = timed(py)
            assert int(out) == expected, f"feedparser saw {out} entries"
            py_cold.append(t)
        results["cold"] = (statistics.median(cs_cold), statistics.median(py_cold))

        # Revalidation: validators from a first run, then every feed answers 304.
        state = os.path.join(work, "state.db")
        cache = os.path.join(work, "cache.json")
        timed(cs + ["--state", state])
        json.dump({}, open(os.path.join(work, "empty.json"), "w"))
        timed([sys.executable, "-c", PYTHON_LOOP, url_file, os.path.join(work, "empty.json"), cache])
        cs_304, py_304 = [], []
        for _ in range(args.runs):
            t, out = timed(cs + ["--state", state, "--new-only"])
            assert out == b"", "a 304 run emits nothing"
            cs_304.append(t)
            t, out = timed([sys.executable, "-c", PYTHON_LOOP, url_file, cache])
            assert int(out) == 0, f"feedparser saw {out} entries on 304"
            py_304.append(t)
        results["all-304"] = (statistics.median(cs_304), statistics.median(py_304))

        for name, (c, p) in results.items():
            print(json.dumps({"bench": f"fetch-{name}", "feeds": args.feeds, "items_per_feed": args.items,
                              "cs_fetch_s": round(c, 3), "python_feedparser_loop_s": round(p, 3),
                              "ratio": round(p / c, 1)}))
        for name, (c, p) in results.items():
            print(f"fetch {name:8} {args.feeds} feeds x {args.items} items: cs-fetch {c:.2f}s, "
                  f"feedparser loop {p:.2f}s, {p / c:.1f}x", file=sys.stderr)
    finally:
        server.stdin.close()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
