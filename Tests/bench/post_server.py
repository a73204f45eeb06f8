#!/usr/bin/env python3
"""A loopback HTTP server for `make bench`'s sink group: accepts POSTs (keep-alive), reads the body,
answers 200 with a small JSON object. Prints its port, then serves until killed or until
--lifetime seconds have passed."""
import argparse
import http.server
import threading


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lifetime", type=float, default=3600)
    args = ap.parse_args()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body leave at once (no 40 ms delayed-ACK stalls)

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            body = b'{"ok":true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
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
