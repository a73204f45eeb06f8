#!/usr/bin/env python3
"""The loopback HTTP server of `make bench`. GET serves the files of DIRECTORY (when given) with ETag
and Last-Modified, answering conditional requests with 304; POST reads the body and answers 200 with
a small JSON object (a webhook for the sink group). Prints its port, then serves until killed or
until --lifetime seconds have passed."""
import argparse
import email.utils
import hashlib
import http.server
import os
import threading


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("directory", nargs="?")
    ap.add_argument("--lifetime", type=float, default=3600)
    args = ap.parse_args()
    files = {}
    for name in os.listdir(args.directory) if args.directory else []:
        with open(os.path.join(args.directory, name), "rb") as f:
            body = f.read()
        files["/" + name] = (body, '"%s"' % hashlib.sha1(body).hexdigest(), email.utils.formatdate(1700000000, usegmt=True))

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body leave at once (no 40 ms delayed-ACK stalls)

        def reply(self, status, headers=(), body=b""):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            entry = files.get(self.path)
            if entry is None:
                return self.reply(404)
            body, etag, modified = entry
            if self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == modified:
                return self.reply(304, [("ETag", etag)])
            self.reply(200, [("Content-Type", "application/rss+xml; charset=utf-8"), ("ETag", etag), ("Last-Modified", modified)], body)

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.reply(200, [("Content-Type", "application/json")], b'{"ok":true}')

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    threading.Timer(args.lifetime, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
