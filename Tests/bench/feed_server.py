#!/usr/bin/env python3
"""A loopback HTTP server for `make bench`: serves every file of a directory with ETag and
Last-Modified, answering conditional requests with 304. Prints its port, then serves until killed
or until --lifetime seconds have passed."""
import argparse
import email.utils
import hashlib
import http.server
import os
import threading


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("directory")
    ap.add_argument("--lifetime", type=float, default=3600)
    args = ap.parse_args()
    files = {}
    for name in os.listdir(args.directory):
        with open(os.path.join(args.directory, name), "rb") as f:
            body = f.read()
        files["/" + name] = (body, '"%s"' % hashlib.sha1(body).hexdigest(), email.utils.formatdate(1700000000, usegmt=True))

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            entry = files.get(self.path)
            if entry is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body, etag, modified = entry
            if self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == modified:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    threading.Timer(args.lifetime, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
