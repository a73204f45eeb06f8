#!/usr/bin/env python3
"""Loopback HTTP server for the cs-sink tests: plays Splunk HEC, Elasticsearch _bulk and a webhook.

Usage: sink_server.py STATE_FILE [SCRIPT_JSON]
Binds 127.0.0.1 on a free port, prints "PORT <n>" and writes it to STATE_FILE as "port". When a
request arrives it counts it in STATE_FILE's "received"; after answering it rewrites STATE_FILE
(JSON): what arrived, counted by uid per endpoint, the requests answered and their outcome. It
stops when its stdin closes (the test went away) or after MAX_LIFETIME seconds; a line "release"
on its stdin releases held requests (see "hold").

SCRIPT_JSON (optional) configures misbehaviour:
  {"token": "T",                      # HEC wants "Splunk T", Elasticsearch "ApiKey T", webhook "Bearer T"
   "hec": ["503", "429:1", ...],      # answers for the first requests to each endpoint, then normal ones:
   "elastic": [...], "hook": [...],   #   "503" a 503, "429:N" a 429 with Retry-After N, "413" too large,
                                      #   "html" a 200 with an HTML page; Elasticsearch only (200 with
                                      #   "errors": false): "no-items" an empty items list, "short" the
                                      #   last item left out, "other-id" the first item for another _id
   "tls": {"cert": PEM, "key": PEM},  # serve HTTPS with this certificate
   "hold": N}                         # requests after the first N wait (unanswered) until "release"
Records whose title holds "[bad]" are refused by the server (HEC: invalid data format with its
invalid-event-number; Elasticsearch: item status 400); "[busy]" ones get an item-level 429 from
Elasticsearch the first time they arrive. Elasticsearch items say "result": "created" the first
time a uid arrives and "updated" after that.
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_LIFETIME = 600
STATE_FILE = sys.argv[1]
SCRIPT = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
LOCK = threading.Lock()
STATE = {"hec": {}, "elastic": {}, "hook": {}, "requests": [], "busy_seen": [], "received": 0}
RELEASED = threading.Event()
SCRIPTED = {k: list(SCRIPT.get(k, [])) for k in ("hec", "elastic", "hook")}


def save():
    tmp = STATE_FILE + ".tmp"
    with open(tmp, "w") as f:
        json.dump(STATE, f)
    os.replace(tmp, STATE_FILE)


def count(endpoint, uid):
    STATE[endpoint][uid] = STATE[endpoint].get(uid, 0) + 1


def concatenated_objects(text):
    """HEC bodies: JSON objects one after another (white space between them optional)."""
    decoder, i, out = json.JSONDecoder(), 0, []
    while True:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        if i >= len(text):
            return out
        obj, i = decoder.raw_decode(text, i)
        out.append(obj)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave at once (no 40 ms delayed-ACK stalls)

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def scripted(self, endpoint):
        """This request's scripted step: None (answer normally), a misbehaviour's name, or (status, headers)."""
        if not SCRIPTED[endpoint]:
            return None
        step = SCRIPTED[endpoint].pop(0)
        if step == "ok":
            return None
        if not step[0].isdigit():
            return step
        status, _, after = step.partition(":")
        return int(status), [("Retry-After", after)] if after else []

    def reply_html(self):
        data = b"<!DOCTYPE html><html><body><h1>Welcome</h1><p>Please sign in.</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        with LOCK:
            STATE["received"] += 1
            arrival = STATE["received"]
            save()
        if "hold" in SCRIPT and arrival > SCRIPT["hold"]:
            RELEASED.wait()
        path = self.path.split("?")[0]
        endpoint = {"/services/collector/event": "hec", "/_bulk": "elastic", "/hook": "hook"}.get(path)
        with LOCK:
            try:
                status = self.handle_endpoint(endpoint, body)
            finally:
                save()
            STATE["requests"].append({"endpoint": endpoint, "status": status})
            save()

    def handle_endpoint(self, endpoint, body):
        if endpoint is None:
            self.reply(404, {"error": "no such endpoint"})
            return 404
        scheme = {"hec": "Splunk ", "elastic": "ApiKey ", "hook": "Bearer "}[endpoint]
        if "token" in SCRIPT and self.headers.get("Authorization") != scheme + SCRIPT["token"]:
            if endpoint == "hec":
                self.reply(403, {"text": "Invalid token", "code": 4})
                return 403
            else:
                self.reply(401, {"error": {"type": "security_exception", "reason": "unable to authenticate"}, "status": 401})
            return 401
        failure = self.scripted(endpoint)
        if failure == "html":
            self.reply_html()
            return 200
        if isinstance(failure, str):
            return getattr(self, "on_" + endpoint)(body, failure)
        if failure:
            status, headers = failure
            text = {"hec": {"text": "Server is busy", "code": 9}}.get(endpoint, {"error": {"type": "es_rejected_execution_exception", "reason": "busy"}})
            self.reply(status, text, headers)
            return status
        return getattr(self, "on_" + endpoint)(body)

    def on_hec(self, body, misbehave=None):
        events = concatenated_objects(body)
        for n, envelope in enumerate(events):
            record = envelope.get("event", {})
            if "[bad]" in record.get("title", ""):
                # Like Splunk: the events before the invalid one are indexed, the rest are not.
                self.reply(400, {"text": "Invalid data format", "code": 6, "invalid-event-number": n})
                return 400
            count("hec", record.get("uid"))
        self.reply(200, {"text": "Success", "code": 0})
        return 200

    def on_elastic(self, body, misbehave=None):
        lines = [l for l in body.split("\n") if l]
        items, errors = [], False
        for action_line, doc_line in zip(lines[0::2], lines[1::2]):
            action = json.loads(action_line)["index"]
            doc = json.loads(doc_line)
            uid, title = action["_id"], doc.get("cs", {}).get("title", "")
            assert doc.get("event", {}).get("id") == uid, "ECS event.id is the uid"
            if "[bad]" in title:
                items.append({"index": {"_index": action["_index"], "_id": uid, "status": 400,
                                        "error": {"type": "mapper_parsing_exception", "reason": "failed to parse field [cs.title]"}}})
                errors = True
            elif "[busy]" in title and uid not in STATE["busy_seen"]:
                STATE["busy_seen"].append(uid)
                items.append({"index": {"_index": action["_index"], "_id": uid, "status": 429,
                                        "error": {"type": "es_rejected_execution_exception", "reason": "queue full"}}})
                errors = True
            else:
                seen = uid in STATE["elastic"]
                count("elastic", uid)
                items.append({"index": {"_index": action["_index"], "_id": uid, "status": 200 if seen else 201,
                                        "result": "updated" if seen else "created"}})
        if misbehave == "no-items":
            items = []
        elif misbehave == "short":
            items = items[:-1]
        elif misbehave == "other-id":
            items[0]["index"]["_id"] = "not-" + items[0]["index"]["_id"]
        if misbehave:
            errors = False
        self.reply(200, {"took": 1, "errors": errors, "items": items})
        return 200

    def on_hook(self, body, misbehave=None):
        payload = json.loads(body)
        STATE.setdefault("hook_bodies", []).append("array" if isinstance(payload, list) else "object")
        for record in payload if isinstance(payload, list) else [payload]:
            count("hook", record.get("uid"))
        self.reply(200, {"ok": True})
        return 200


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if "tls" in SCRIPT:
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(SCRIPT["tls"]["cert"], SCRIPT["tls"]["key"])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    STATE["port"] = server.server_address[1]
    save()
    print("PORT %d" % server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def watch_stdin():
        for line in sys.stdin:
            if line.strip() == "release":
                RELEASED.set()
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    time.sleep(MAX_LIFETIME)
    os._exit(0)


if __name__ == "__main__":
    main()
