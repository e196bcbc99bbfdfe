#!/usr/bin/env python3
"""Bad input and attack over HTTP (loopback): what only the HTTP layer sees.

The API-level part (every query parameter, JSON string field and path key of every route, with a
database checksum) is the C++ test src/api/bad_input_test.cc. Here a real `aegis serve` gets:
- path traversal against the static file server (raw, encoded, double-encoded, backslashes, NUL,
  absolute paths, "//" prefixes, symbolic links out of the web root): never a file from outside it;
- SQL-injection, traversal, NUL, overlong and invalid UTF-8, RTL override and 10 MB payloads in
  query strings, path segments, JSON bodies and the purpose header, sent as raw bytes where an
  HTTP client library would refuse them: never a 5xx, the server keeps serving, and nothing stored
  changes unless the request succeeded (checksum of every table but the audit trail).
Python's standard library only.
"""
import argparse
import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from loopback_test import Client, free_port  # noqa: E402

SECRET = "TOP-SECRET-" + os.urandom(6).hex()
SHELL = "<!doctype html><html><body>aegis app shell</body></html>"
ASSET = "console.log('aegis asset');"

PAYLOADS = [
    ("sql or", b"' OR 1=1 --"),
    ("sql drop", b'"; DROP TABLE cases; --'),
    ("sql union", b"' UNION SELECT token_hash, user_id FROM sessions --"),
    ("percent-encoded quote", b"%27"),
    ("traversal", b"../../etc/passwd"),
    ("traversal encoded", b"..%2F..%2Fetc%2Fpasswd"),
    ("nul", b"a\x00b"),
    ("overlong slash", b"\xc0\xaf"),
    ("invalid utf-8", b"\xff\xfe"),
    ("rtl override", "\u202egpj.exe".encode()),
]


def raw_request(port, method, target, body=b"", headers=None, timeout=30):
    """Sends one request with the target exactly as given (bytes); returns (status, headers, body),
    or (None, {}, b"") when the server closed the connection without an answer."""
    h = {"Host": "127.0.0.1", "Connection": "close"}
    h.update(headers or {})
    if body:
        h.setdefault("Content-Type", "application/json")
        h["Content-Length"] = str(len(body))
    head = method.encode() + b" " + target + b" HTTP/1.1\r\n"
    for k, v in h.items():
        head += k.encode() + b": " + (v if isinstance(v, bytes) else v.encode()) + b"\r\n"
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(head + b"\r\n" + body)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, BrokenPipeError):
        data = data if "data" in locals() else b""
    finally:
        s.close()
    if not data.startswith(b"HTTP/1."):
        return None, {}, b""
    head, _, payload = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        hdrs[k.decode().strip().lower()] = v.decode(errors="replace").strip()
    if hdrs.get("transfer-encoding") == "chunked":
        out, rest = b"", payload
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                break
            out, rest = out + rest[:size], rest[size + 2:]
        payload = out
    return status, hdrs, payload


def checksum(db):
    """Rows of every table but the audit trail, sessions and sign-in counters, and the schema."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        h = hashlib.sha256()
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for t in tables:
            h.update(t.encode())
            if t.startswith("audit") or t in ("sessions", "user_auth"):
                continue
            for row in con.execute(f'SELECT * FROM "{t}" ORDER BY 1'):
                h.update(repr(row).encode())
        schema = hashlib.sha256(repr(list(con.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY name"))).encode()).hexdigest()
        return h.hexdigest(), schema
    finally:
        con.close()


class Attack:
    def __init__(self, port, db):
        self.port, self.db = port, db
        self.failures = []
        self.requests = 0
        self.data, self.schema = checksum(db)

    def fail(self, msg):
        self.failures.append(msg)

    def alive(self):
        status, _, _ = raw_request(self.port, "GET", b"/api/v1/health")
        return status == 200

    def send(self, what, method, target, body=b"", headers=None, allow_close=False):
        self.requests += 1
        status, hdrs, payload = raw_request(self.port, method, target, body, headers)
        if status is None:
            if not allow_close:
                self.fail(f"{what}: connection closed without an answer")
        elif status >= 500:
            self.fail(f"{what}: {status} {payload[:200]!r}")
        if not self.alive():
            self.fail(f"{what}: the server stopped answering")
            raise RuntimeError("server down")
        data, schema = checksum(self.db)
        if schema != self.schema:
            self.fail(f"{what}: the schema changed")
        if (status is None or status >= 300) and data != self.data:
            self.fail(f"{what}: answered {status} but stored data changed")
        self.data, self.schema = data, schema
        return status, hdrs, payload


def static_traversal(a, work):
    """The static file server serves files of the web root and the app shell, nothing else."""
    secret_abs = os.path.join(work, "secret.txt").encode()
    evil = [
        b"//etc/passwd", b"///etc/passwd", b"/" + secret_abs, b"/./" + secret_abs,
        b"/../secret.txt", b"/../../../../etc/passwd", b"/assets/../../secret.txt",
        b"/%2e%2e/secret.txt", b"/%2e%2e%2fsecret.txt", b"/..%2fsecret.txt", b"/.%2e/secret.txt",
        b"/%252e%252e/secret.txt", b"/%252e%252e%252fsecret.txt", b"/assets/..%2f..%2fsecret.txt",
        b"/..\\secret.txt", b"/%5c..%5csecret.txt", b"/assets\\..\\..\\secret.txt",
        b"/index.html%00.js", b"/index.html\x00.js", b"/\xc0\xae\xc0\xae/secret.txt",
        b"/leak.txt", b"/etcdir/passwd", b"/etcdir/", b"/assets/leakdir/secret.txt",
        b"http://127.0.0.1/../secret.txt", b"http://127.0.0.1//etc/passwd", b"*",
        b"/api/../secret.txt", b"/api/v1/../../secret.txt", b"/./secret.txt",
    ]
    for target in evil:
        status, _, body = a.send(f"static {target!r}", "GET", target, allow_close=True)
        if SECRET.encode() in body or b"root:x:0:0" in body:
            a.fail(f"static {target!r}: served a file from outside the web root ({status})")
        elif status == 200 and body.decode(errors="replace") not in (SHELL, ASSET):
            a.fail(f"static {target!r}: 200 with an unexpected body {body[:80]!r}")
    # The legitimate files are still served.
    for target, want in [(b"/", SHELL), (b"/assets/app.js", ASSET), (b"/cases/12", SHELL)]:
        status, _, body = a.send(f"static {target!r}", "GET", target)
        if status != 200 or body.decode() != want:
            a.fail(f"static {target!r}: {status} {body[:80]!r}, want the file")


def injection(a, officer, supervisor, partner):
    auth = lambda tok: {"Authorization": "Bearer " + tok}  # noqa: E731
    lists = [("/api/v1/cases", ["q", "stage", "sort", "order", "unit_id", "major", "limit"], supervisor),
             ("/api/v1/clues", ["q", "status", "track", "deadline_state", "sort", "assigned_to"], officer),
             ("/api/v1/users", ["unit_id", "role"], supervisor),
             ("/api/v1/dashboard", ["campaign_id", "unit_id"], supervisor),
             ("/api/v1/audit", ["action", "object_type", "object_id", "since", "until", "allowed"],
              supervisor),
             ("/api/v1/referrals", ["status", "sort", "order"], partner),
             ("/api/v1/break-glass", ["unreviewed"], supervisor),
             ("/api/v1/alerts", ["unread"], officer)]
    for path, params, token in lists:
        for param in params:
            for name, payload in PAYLOADS:
                for form, value in [("encoded", quote(payload, safe="").encode()), ("raw", payload)]:
                    target = path.encode() + b"?" + param.encode() + b"=" + value
                    status, _, body = a.send(f"GET {path}?{param}= {name} ({form})", "GET", target,
                                             headers=auth(token), allow_close=form == "raw")
                    if status == 400:
                        field = json.loads(body).get("field")
                        if field not in (param, "body"):
                            a.fail(f"GET {path}?{param}= {name}: 400 names {field!r}")
    # Path segments: ids and checklist keys.
    for name, payload in PAYLOADS:
        for prefix in (b"/api/v1/cases/", b"/api/v1/clues/", b"/api/v1/cases/1/checklist/"):
            for value in (quote(payload, safe="").encode(), payload):
                a.send(f"GET {prefix!r} + {name}", "PUT" if b"checklist" in prefix else "GET",
                       prefix + value, body=b'{"done": true}' if b"checklist" in prefix else b"",
                       headers=auth(supervisor), allow_close=value is payload)
    # JSON bodies: a clue (strings at every depth), a person, a survivor look-up.
    clue = {"source": "walk_in", "summary": "攻击测试", "facts": {"place": "x"},
            "victim": {"sex": "female", "identity": {"name": "x", "address": "y"}},
            "suspect_description": "z", "confirm_not_duplicate": True}
    fields = [("source",), ("summary",), ("track",), ("received_at",), ("facts", "place"),
              ("facts", "offence_time"), ("victim", "sex"), ("victim", "identity", "name"),
              ("victim", "identity", "id_number"), ("victim", "identity", "phone"),
              ("victim", "identity", "address"), ("suspect_description",)]
    for field in fields:
        for name, payload in PAYLOADS:
            body = json.loads(json.dumps(clue))
            node = body
            for k in field[:-1]:
                node = node[k]
            node[field[-1]] = "@@P@@"
            text = json.dumps(body, ensure_ascii=False).encode()
            esc = payload.replace(b"\\", b"\\\\").replace(b'"', b'\\"').replace(b"\x00", b"\\u0000")
            text = text.replace(b'"@@P@@"', b'"' + esc + b'"')
            status, _, resp = a.send(f"POST /clues {'.'.join(field)} = {name}", "POST",
                                     b"/api/v1/clues", text, headers=auth(officer))
            if status == 400:
                got = json.loads(resp).get("field")
                if got not in (".".join(field), "body"):
                    a.fail(f"POST /clues {'.'.join(field)} = {name}: 400 names {got!r}")
    for name, payload in PAYLOADS:
        esc = payload.replace(b"\\", b"\\\\").replace(b'"', b'\\"').replace(b"\x00", b"\\u0000")
        a.send(f"POST /survivor/status reference = {name}", "POST", b"/api/v1/survivor/status",
               b'{"reference": "' + esc + b'", "code": "AAAA-BBBB-CC"}',
               headers={"X-Forwarded-For": "1.2.3.4"})
        a.send(f"POST /auth/login username = {name}", "POST", b"/api/v1/auth/login",
               b'{"username": "' + esc + b'", "password": "x"}')
        # The purpose header: refused with 400 naming it, or taken as a known purpose.
        status, _, body = a.send(f"purpose header {name}", "GET", b"/api/v1/cases",
                                 headers=dict(auth(officer), **{"X-Aegis-Purpose": payload}),
                                 allow_close=True)
        if status not in (None, 400):
            a.fail(f"purpose header {name}: {status}")
    # 10 MB: a query string, a path and a body. The server may refuse at the HTTP layer or close
    # the connection; it must not fail and must keep serving.
    big = b"A" * (10 * 1024 * 1024)
    a.send("10 MB query", "GET", b"/api/v1/cases?q=" + big, headers=auth(supervisor),
           allow_close=True)
    a.send("10 MB path", "GET", b"/api/v1/cases/" + big, headers=auth(supervisor), allow_close=True)
    status, _, _ = a.send("10 MB body", "POST", b"/api/v1/clues",
                          b'{"source":"walk_in","summary":"' + big + b'"}', headers=auth(officer),
                          allow_close=True)
    if status not in (None, 400, 413):
        a.fail(f"10 MB body: {status}, want 413 (or a closed connection)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aegis", required=True)
    args = ap.parse_args()
    aegis = os.path.realpath(args.aegis)
    work = tempfile.mkdtemp(prefix="aegis-attack-")
    server = None
    ok = False
    try:
        web = os.path.join(work, "web")
        os.makedirs(os.path.join(web, "assets"))
        open(os.path.join(web, "index.html"), "w").write(SHELL)
        open(os.path.join(web, "assets", "app.js"), "w").write(ASSET)
        open(os.path.join(work, "secret.txt"), "w").write(SECRET)
        os.makedirs(os.path.join(work, "outside"))
        open(os.path.join(work, "outside", "secret.txt"), "w").write(SECRET)
        os.symlink(os.path.join(work, "secret.txt"), os.path.join(web, "leak.txt"))
        os.symlink("/etc", os.path.join(web, "etcdir"))
        os.symlink(os.path.join(work, "outside"), os.path.join(web, "assets", "leakdir"))
        db = os.path.join(work, "t.db")
        subprocess.run([aegis, "demo", "--db", db, "--cases", "120", "--seed", "5"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port = free_port()
        log = open(os.path.join(work, "serve.log"), "w")
        server = subprocess.Popen([aegis, "serve", "--db", db, "--port", str(port),
                                   "--login-attempts-per-minute", "100000", "--web", web],
                                  stdout=log, stderr=log)
        c = Client(port)
        c.wait_until_up()
        officer, _ = c.login("officer")
        supervisor, _ = c.login("supervisor")
        partner, _ = c.login("partner")
        a = Attack(port, db)
        started = time.time()
        for name, fn in [("static_traversal", lambda: static_traversal(a, work)),
                         ("injection", lambda: injection(a, officer, supervisor, partner))]:
            before = len(a.failures)
            try:
                fn()
            except Exception:
                a.fail(f"{name}: {traceback.format_exc()}")
            print(("ok   " if len(a.failures) == before else "FAIL ") + name)
        for f in a.failures[:40]:
            print("  " + f)
        if len(a.failures) > 40:
            print(f"  ... and {len(a.failures) - 40} more")
        print(f"{a.requests} requests in {time.time() - started:.1f} s, {len(a.failures)} failures")
        ok = not a.failures
    finally:
        if server and server.poll() is None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
