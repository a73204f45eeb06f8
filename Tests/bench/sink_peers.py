#!/usr/bin/env python3
"""Plain Python equivalents of cs-sink deliveries for `make bench`: each reads NDJSON records from
stdin, parses and checks each one as cs-sink does (a JSON object with schema cs.advisory/1), then
  file PATH          appends each line to PATH
  sqlite PATH        upserts into an `advisories` table keyed by uid (transactions of 500)
  http URL BATCH     POSTs JSON arrays of BATCH records over one keep-alive connection
"""
import http.client
import json
import sqlite3
import sys
import urllib.parse

SEVERITY_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


def records():
    for line in sys.stdin.buffer:
        line = line.rstrip(b"\r\n")
        if not line.strip():
            continue
        r = json.loads(line)
        if not isinstance(r, dict) or r.get("schema") != "cs.advisory/1":
            sys.stderr.write("not a cs.advisory/1 record\n")
            continue
        yield line, r


def to_file(path):
    with open(path, "ab") as f:
        for line, _ in records():
            f.write(line + b"\n")


def to_sqlite(path):
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("""CREATE TABLE IF NOT EXISTS advisories (uid TEXT PRIMARY KEY, id TEXT, severity TEXT, severity_rank INTEGER,
                  published TEXT, modified TEXT, title TEXT, url TEXT, type TEXT, exploited INTEGER, feed_url TEXT,
                  record TEXT, ingested_at TEXT DEFAULT CURRENT_TIMESTAMP)""")
    db.execute("CREATE INDEX IF NOT EXISTS advisories_rank ON advisories (severity_rank, published)")
    sql = """INSERT INTO advisories (uid, id, severity, severity_rank, published, modified, title, url, type, exploited, feed_url, record)
             VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(uid) DO UPDATE SET id=excluded.id, severity=excluded.severity,
             severity_rank=excluded.severity_rank, published=excluded.published, modified=excluded.modified, title=excluded.title,
             url=excluded.url, type=excluded.type, exploited=excluded.exploited, feed_url=excluded.feed_url, record=excluded.record"""
    n = 0
    for line, r in records():
        sev = r.get("severity")
        exploited = r.get("exploited")
        db.execute(sql, (r["uid"], r.get("id"), sev, SEVERITY_RANK.get(sev), r.get("published"), r.get("modified"), r.get("title"),
                         r.get("url"), r.get("type"), None if exploited is None else int(exploited),
                         (r.get("source") or {}).get("feed_url"), line.decode()))
        n += 1
        if n % 500 == 0:
            db.commit()
    db.commit()


def to_http(url, batch):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port)
    pending = []

    def send():
        body = b"[" + b",".join(pending) + b"]"
        conn.request("POST", u.path, body, {"Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            sys.exit("HTTP %d" % resp.status)
        pending.clear()

    for line, _ in records():
        pending.append(line)
        if len(pending) >= batch:
            send()
    if pending:
        send()


if __name__ == "__main__":
    kind = sys.argv[1]
    if kind == "file":
        to_file(sys.argv[2])
    elif kind == "sqlite":
        to_sqlite(sys.argv[2])
    else:
        to_http(sys.argv[2], int(sys.argv[3]))
