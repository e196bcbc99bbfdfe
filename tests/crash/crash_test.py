#!/usr/bin/env python3
"""Crash safety: kill -9 the server while clients write, restart, and check that every write the
server acknowledged is there, that each is whole (its audit record committed with it), that the
database passes SQLite's integrity check, and that the audit hash chain and its signed checkpoints
still verify (`aegis audit verify`). Then kill -9 `aegis keys rotate` twice at different points of
its run and check each time that every encrypted record still opens (`aegis keys verify`) and that
a server started on the half-rotated database reveals identities; a third run finishes the
rotation and retires the old key. Python's standard library only."""
import argparse
import base64
import hashlib
import hmac
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time

PASSWORD = "Aegis-demo-2026!"
DEMO_TOTP_SECRET = "AEGISDEMOSECRETTOTPFORDEMOONLYAA"  # supervisors sign in with a one-time code


def totp_now(secret):
    """RFC 6238 (HMAC-SHA1, 30 s, 6 digits) code for the current time."""
    mac = hmac.new(base64.b32decode(secret), struct.pack(">Q", int(time.time()) // 30),
                   hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 1000000)
ROUNDS = 3


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def call(port, method, path, body=None, token=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, (json.loads(data) if data else None)


def start(aegis, db, port, log):
    p = subprocess.Popen([aegis, "serve", "--db", db, "--port", str(port)], stdout=log, stderr=log)
    for _ in range(200):
        try:
            if call(port, "GET", "/api/v1/health")[0] == 200:
                return p
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not start")


def keys(aegis, db, *args):
    return subprocess.run([aegis, "keys", *args, "--db", db], capture_output=True, text=True)


def rotate_and_kill(aegis, db, after_lines):
    """Runs `aegis keys rotate` one record per transaction (each fsynced) and kills it -9 once it
    has printed `after_lines` lines of progress; returns its exit status and the lines it printed."""
    p = subprocess.Popen([aegis, "keys", "rotate", "--db", db, "--batch-size", "1"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines = []
    for line in p.stderr:
        lines.append(line.strip())
        if len(lines) >= after_lines:
            p.send_signal(signal.SIGKILL)
            break
    p.stderr.close()
    p.wait()
    return p.returncode, lines


def identities_readable(aegis, db, log, supervisor):
    """Starts a server on the database: a supervisor signs in with the second factor (an encrypted
    TOTP secret) and an officer reveals the identities of victims on their cases. Returns problems."""
    problems = []
    port = free_port()
    server = start(aegis, db, port, log)
    try:
        status, body = call(port, "POST", "/api/v1/auth/login",
                            {"username": supervisor, "password": PASSWORD,
                             "totp": totp_now(DEMO_TOTP_SECRET)})
        if status != 200:
            problems.append(f"{supervisor} could not sign in with the one-time code ({status})")
        token = call(port, "POST", "/api/v1/auth/login",
                     {"username": "officer", "password": PASSWORD})[1]["token"]
        status, cases = call(port, "GET", "/api/v1/cases?limit=20", token=token)
        revealed = 0
        for c in (cases or {}).get("items", []):
            status, detail = call(port, "GET", f"/api/v1/cases/{c['id']}", token=token)
            for person in detail.get("persons", []) if status == 200 else []:
                if person.get("role") != "victim":
                    continue
                status, identity = call(port, "GET", f"/api/v1/cases/{c['id']}/persons/"
                                        f"{person['id']}/identity", token=token)
                if status == 200 and identity.get("id_number"):
                    revealed += 1
                elif status not in (403, 404):
                    problems.append(f"identity of case {c['id']} answered {status}")
        if revealed == 0:
            problems.append("no victim identity could be revealed")
    finally:
        server.terminate()
        server.wait(timeout=10)
    return problems


def kill_during_key_rotation(aegis, db, log):
    failures = []
    before = keys(aegis, db, "status")
    print(before.stdout.strip())
    # The first run is killed soon after the new keyring is on disk (records partly moved), the
    # second, which resumes the same rotation, later on; the third finishes.
    for round_no, after_lines in enumerate([4, 8]):
        code, lines = rotate_and_kill(aegis, db, after_lines)
        if code != -signal.SIGKILL:
            failures.append(f"rotation run {round_no + 1} ended by itself ({code}): {lines}")
        status = keys(aegis, db, "status")
        print(f"rotation killed after: {lines[-1] if lines else '(nothing)'}")
        print(status.stdout.strip())
        if "retiring" not in status.stdout:
            failures.append(f"after kill {round_no + 1} the old key is no longer retiring")
        verify = keys(aegis, db, "verify")
        print(verify.stdout.strip())
        if verify.returncode != 0:
            failures.append(f"after kill {round_no + 1}: aegis keys verify exited "
                            f"{verify.returncode}: {(verify.stdout + verify.stderr).strip()}")
        if round_no == 0:
            failures += identities_readable(aegis, db, log, "sup.southern")
    finished = subprocess.run([aegis, "keys", "rotate", "--db", db], capture_output=True, text=True)
    print(finished.stdout.strip())
    if finished.returncode != 0 or "resuming" not in finished.stderr:
        failures.append(f"rerun of the rotation: exit {finished.returncode}, "
                        f"{(finished.stdout + finished.stderr).strip()}")
    status = keys(aegis, db, "status")
    print(status.stdout.strip())
    if "retiring" in status.stdout or status.stdout.count("master key ") != 1:
        failures.append(f"after the rotation finished the keyring is not one key: {status.stdout}")
    verify = keys(aegis, db, "verify")
    print(verify.stdout.strip())
    if verify.returncode != 0:
        failures.append(f"after the rotation: aegis keys verify exited {verify.returncode}")
    failures += identities_readable(aegis, db, log, "sup.northern")
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aegis", required=True)
    aegis = os.path.realpath(ap.parse_args().aegis)
    work = tempfile.mkdtemp(prefix="aegis-crash-")
    db = os.path.join(work, "crash.db")
    log = open(os.path.join(work, "serve.log"), "w")
    acknowledged = {}  # summary -> clue id
    failures = []
    server = None
    try:
        subprocess.run([aegis, "demo", "--db", db, "--cases", "50", "--seed", "3"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        counter = 0
        for round_no in range(ROUNDS):
            port = free_port()
            server = start(aegis, db, port, log)
            token = call(port, "POST", "/api/v1/auth/login",
                         {"username": "officer", "password": PASSWORD})[1]["token"]
            stop = threading.Event()
            lock = threading.Lock()

            def writer():
                nonlocal counter
                while not stop.is_set():
                    with lock:
                        counter += 1
                        n = counter
                    summary = f"crash-test write {n}"
                    try:
                        status, body = call(port, "POST", "/api/v1/clues",
                                            {"source": "walk_in", "summary": summary,
                                             "confirm_not_duplicate": True}, token=token)
                    except (OSError, http.client.HTTPException):
                        continue  # the server died mid-request: not acknowledged
                    if status == 201:
                        with lock:
                            acknowledged[summary] = body["id"]

            threads = [threading.Thread(target=writer) for _ in range(4)]
            for t in threads:
                t.start()
            time.sleep(1.0 + 0.3 * round_no)
            server.send_signal(signal.SIGKILL)  # no shutdown, no flush: a crash
            server.wait()
            stop.set()
            for t in threads:
                t.join()
            print(f"round {round_no + 1}: killed the server with {len(acknowledged)} writes acknowledged so far")

        # Restart once more: the store must open, recover the WAL and serve.
        port = free_port()
        server = start(aegis, db, port, log)
        token = call(port, "POST", "/api/v1/auth/login",
                     {"username": "supervisor", "password": PASSWORD,
                      "totp": totp_now(DEMO_TOTP_SECRET)})[1]["token"]
        status, listing = call(port, "GET", "/api/v1/clues?q=crash-test&limit=1", token=token)
        if status != 200:
            failures.append(f"server after recovery answered {status}")
        server.terminate()
        server.wait(timeout=10)

        con = sqlite3.connect(db)
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            failures.append(f"integrity_check: {integrity}")
        stored = dict(con.execute("SELECT summary, id FROM clues WHERE summary LIKE 'crash-test write %'"))
        audited = {row[0] for row in con.execute(
            "SELECT object_id FROM audit_log WHERE action = 'clue.create' AND object_type = 'clue'")}
        con.close()
        # A SIGKILL must never break the audit chain: every record was hashed in the transaction
        # that wrote it, and the checkpoints made before each kill still match.
        verify = subprocess.run([aegis, "audit", "verify", "--db", db], capture_output=True,
                                text=True)
        print(verify.stdout.strip())
        if verify.returncode != 0:
            failures.append(f"aegis audit verify exited {verify.returncode}: "
                            f"{(verify.stdout + verify.stderr).strip()}")
        elif "checkpoints" not in verify.stdout or " 0 checkpoints" in verify.stdout:
            failures.append("the audit chain was never sealed by a checkpoint")
        lost = [s for s in acknowledged if s not in stored]
        if lost:
            failures.append(f"{len(lost)} acknowledged writes lost, e.g. {lost[:3]}")
        torn = [s for s, i in stored.items() if i not in audited]
        if torn:
            failures.append(f"{len(torn)} clues without their audit record (torn writes)")
        if len(acknowledged) < 20:
            failures.append(f"only {len(acknowledged)} writes acknowledged: the test did not exercise much")
        print(f"acknowledged {len(acknowledged)}, stored {len(stored)} (the rest were in flight)")

        failures += kill_during_key_rotation(aegis, db, log)
    finally:
        if server and server.poll() is None:
            server.kill()
        log.close()
        shutil.rmtree(work, ignore_errors=True)
    checks = ["no_acknowledged_write_lost", "integrity", "writes_whole", "recovers_and_serves",
              "audit_chain_verifies", "key_rotation_survives_kill"]
    failed = len(failures)
    for f in failures:
        print("FAIL", f)
    print(f"{len(checks) - min(failed, len(checks))} passed, {failed} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
