#!/usr/bin/env python3
"""Loopback HTTP server for the cs-fetch tests: each path misbehaves in one known way.

Usage: feed_server.py ROOT [CERT KEY]   (serves ROOT's files under /files/)
Binds 127.0.0.1 on a free port and prints "PORT <n>" on stdout; with CERT and KEY it also serves
the same routes over TLS on a second port and prints "TLSPORT <n>". It stops by itself when its
stdin closes (the test process went away) or after MAX_LIFETIME seconds, whichever comes first.
"""
import gzip
import hashlib
import json
import os
import socket
import ssl
import struct
import sys
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs

MAX_LIFETIME = 600
ROOT = sys.argv[1] if len(sys.argv) > 1 else "."
STOP = threading.Event()
LOCK = threading.Lock()
COUNTS = {}          # path -> requests seen
LAST_429 = {}        # key -> time of the last 429 sent
IN_FLIGHT = {"now": 0, "max": 0}
IN_FLIGHT_CHANGED = threading.Condition(LOCK)
GATE_CHANGED = threading.Condition(LOCK)   # /gate: requests that arrived, per path
BOMB = gzip.compress(b"\0" * (64 << 20), compresslevel=9)   # 64 MiB of zeros in ~64 KiB


def feed(title, items):
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "items": [{"id": i, "title": t, "content_html": "<p>%s</p>" % t} for i, t in items],
    }).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: the tests read cs-fetch's stderr, not ours
        pass

    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def count(self, key):
        with LOCK:
            COUNTS[key] = COUNTS.get(key, 0) + 1
            return COUNTS[key]

    def do_GET(self):
        if self.path.startswith("http://"):  # asked as a proxy: absolute URI in the request line
            host = urlsplit(self.path).hostname or ""
            return self.send(200, feed("proxied", [("via", "Proxied " + host)]), [("Content-Type", "application/feed+json")])
        url = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        parts = url.path.strip("/").split("/")
        route = parts[0]
        key = url.path + "?" + url.query
        json_type = ("Content-Type", "application/feed+json")

        if route == "files":
            path = os.path.join(ROOT, *parts[1:])
            if not os.path.isfile(path):
                return self.send(404, b"not found")
            with open(path, "rb") as f:
                body = f.read()
            etag = '"%s"' % hashlib.sha1(body).hexdigest()
            modified = formatdate(os.path.getmtime(path), usegmt=True)
            self.count(url.path)
            if self.headers.get("If-None-Match") == etag:
                return self.send(304, b"", [("ETag", etag)])
            ctype = {".bin": "application/octet-stream", ".xml": "application/rss+xml; charset=utf-8"}.get(
                os.path.splitext(path)[1], "application/feed+json")
            return self.send(200, body, [("Content-Type", ctype), ("ETag", etag), ("Last-Modified", modified)])

        if route == "gate":         # like /files, but each answer waits until ?until=N requests for the path arrived
            with GATE_CHANGED:
                COUNTS[url.path] = COUNTS.get(url.path, 0) + 1
                GATE_CHANGED.notify_all()
                GATE_CHANGED.wait_for(lambda: COUNTS[url.path] >= int(q.get("until", "2")), timeout=600)
            path = os.path.join(ROOT, *parts[1:])
            if not os.path.isfile(path):
                return self.send(404, b"not found")
            with open(path, "rb") as f:
                body = f.read()
            etag = '"%s"' % hashlib.sha1(body).hexdigest()
            return self.send(200, body, [json_type, ("ETag", etag)])

        if route == "dated":        # like /files, but with Last-Modified only (no ETag): If-Modified-Since revalidation
            path = os.path.join(ROOT, *parts[1:])
            if not os.path.isfile(path):
                return self.send(404, b"not found")
            mtime = int(os.path.getmtime(path))
            since = self.headers.get("If-Modified-Since")
            if since:
                try:
                    if mtime <= int(parsedate_to_datetime(since).timestamp()):
                        return self.send(304, b"")
                except (TypeError, ValueError):
                    pass
            with open(path, "rb") as f:
                body = f.read()
            return self.send(200, body, [json_type, ("Last-Modified", formatdate(mtime, usegmt=True))])

        if route == "flaky":        # fails ?fail=N times with 500, then serves a feed
            n = self.count(key)
            if n <= int(q.get("fail", "1")):
                return self.send(500, b"boom")
            return self.send(200, feed("flaky", [("f1", "Recovered item")]), [json_type])

        if route == "ratelimited":  # 429 with Retry-After; an earlier retry gets another 429
            wait = int(q.get("after", "2"))
            with LOCK:
                last = LAST_429.get(key)
                if last is None or time.time() - last < wait - 0.05:
                    LAST_429[key] = time.time()
                    early = last is not None
                else:
                    early = None
            if early is not None:
                return self.send(429, b"slow down", [("Retry-After", str(wait))])
            return self.send(200, feed("ratelimited", [("r1", "Rate limited item")]), [json_type])

        if route == "stall":        # headers and a little body, then nothing for a long time
            self.send_response(200)
            self.send_header("Content-Type", "application/feed+json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b'{"version":')
            self.wfile.flush()
            self.count(key)         # the stall has begun: tests wait on this count, not on time
            STOP.wait(float(q.get("seconds", "60")))
            return

        if route == "reset":        # the connection is reset (RST) before any answer
            self.count(key)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return

        if route == "loop":         # redirects forever
            n = int(parts[1]) if len(parts) > 1 else 0
            return self.send(302, b"", [("Location", "/loop/%d" % (n + 1))])

        if route == "redirect":     # one redirect to a file
            return self.send(301, b"", [("Location", "/files/" + "/".join(parts[1:]))])

        if route == "goto":         # redirect to the URL in ?url= (the redirect guard's tests)
            return self.send(302, b"", [("Location", q["url"])])

        if route == "offsite":      # redirect to the same server under another host name
            port = self.server.server_address[1]
            host = q.get("host", "localhost")
            return self.send(302, b"", [("Location", "http://%s:%d/secrets?%s" % (host, port, url.query))])

        if route == "secrets":      # the credentials that arrived, as item titles
            got = [("secret", "X-Secret=" + (self.headers.get("X-Secret") or "")),
                   ("auth", "Authorization=" + (self.headers.get("Authorization") or ""))]
            return self.send(200, feed("secrets", got), [json_type])

        if route == "big":          # a declared 8 MiB body
            return self.send(200, b"x" * (8 << 20), [json_type])

        if route == "big-chunked":  # 8 MiB with no declared length
            self.send_response(200)
            self.send_header("Content-Type", "application/feed+json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"x" * 65536
            try:
                for _ in range(128):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass
            return

        if route == "bomb":         # small on the wire, 64 MiB once decompressed
            return self.send(200, BOMB, [json_type, ("Content-Encoding", "gzip")])

        if route == "gzipped":      # a real feed, gzip-encoded when the client offers it
            body = feed("gzipped", [("g1", "Compressed item")])
            if "gzip" in (self.headers.get("Accept-Encoding") or ""):
                return self.send(200, gzip.compress(body), [json_type, ("Content-Encoding", "gzip")])
            return self.send(406, b"offer gzip")

        if route == "whoami":       # the request's User-Agent and Accept as item titles
            ua = self.headers.get("User-Agent") or ""
            accept = self.headers.get("Accept") or ""
            return self.send(200, feed("whoami", [("ua", ua), ("accept", accept)]), [json_type])

        if route == "auth":         # needs "Authorization: Bearer <token>"
            if self.headers.get("Authorization") != "Bearer " + q.get("token", ""):
                return self.send(401, b"who are you", [("WWW-Authenticate", "Bearer")])
            return self.send(200, feed("private", [("p1", "Private item")]), [json_type])

        if route == "status":       # any status
            return self.send(int(parts[1]), b"status %s" % parts[1].encode())

        if route == "slow":         # a feed after a pause; records the most requests in flight at once
            with LOCK:
                IN_FLIGHT["now"] += 1
                IN_FLIGHT["max"] = max(IN_FLIGHT["max"], IN_FLIGHT["now"])
                IN_FLIGHT_CHANGED.notify_all()
            if "until" in q:        # held until that many are in flight at once (ten minutes at most: a hang guard)
                with IN_FLIGHT_CHANGED:
                    IN_FLIGHT_CHANGED.wait_for(lambda: IN_FLIGHT["max"] >= int(q["until"]), timeout=600)
            else:
                STOP.wait(float(q.get("seconds", "1")))
            with LOCK:
                IN_FLIGHT["now"] -= 1
            return self.send(200, feed("slow", [(url.path, "Slow item " + url.path)]), [json_type])

        if route == "control":      # test introspection
            if parts[1] == "max-in-flight":
                with LOCK:
                    body = str(IN_FLIGHT["max"]).encode()
                    IN_FLIGHT["max"] = 0
                return self.send(200, body)
            if parts[1] == "count":
                with LOCK:
                    return self.send(200, str(COUNTS.get(q.get("key", ""), 0)).encode())
        return self.send(404, b"no such route")


    def echo(self):
        """Any method on /echo: what arrived, as JSON (for HTTPClient's POST path, which cs-sink uses)."""
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        key = urlsplit(self.path).path
        n = self.count(key)
        if "fail-once" in self.path and n == 1:
            return self.send(503, b"try again", [("Retry-After", "0")])
        answer = {"method": self.command, "body": body.decode("utf-8", "replace"), "length": length,
                  "content_type": self.headers.get("Content-Type"), "x_test": self.headers.get("X-Test"),
                  "attempt": n, "peer_port": self.client_address[1]}
        return self.send(200, json.dumps(answer).encode(), [("Content-Type", "application/json"), ("X-Reply", "yes")])

    do_POST = do_PUT = do_DELETE = echo


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256  # many parallel connects at once must not overflow the backlog (1 s SYN retries)

    def handle_error(self, request, client_address):
        # Connections reset or dropped on purpose (/reset, timeouts) are expected here.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


def main():
    servers = [Server(("127.0.0.1", 0), Handler)]
    print("PORT %d" % servers[0].server_address[1], flush=True)
    if len(sys.argv) > 3:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        tls = Server(("127.0.0.1", 0), Handler)
        tls.socket = context.wrap_socket(tls.socket, server_side=True)  # a failed handshake only drops that connection
        servers.append(tls)
        print("TLSPORT %d" % tls.server_address[1], flush=True)

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(1):
                pass
        except OSError:
            pass
        STOP.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    threading.Thread(target=lambda: (STOP.wait(MAX_LIFETIME), STOP.set()), daemon=True).start()
    for server in servers:
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    STOP.wait()
    for server in servers:
        server.shutdown()


if __name__ == "__main__":
    main()
