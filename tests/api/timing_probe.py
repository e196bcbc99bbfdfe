#!/usr/bin/env python3
"""404 timing of another unit's case versus an id that does not exist, over loopback.

A measurement for a person to look at, not a test: it asserts nothing. The unit tests prove that
both take the same path through the database (the same SQL statements, authorization_matrix_test);
this shows what a client would measure. It starts `aegis serve` on a demo database, signs in as a
station officer, finds cases (and clues) the officer may not open, and alternates requests for
those and for ids that do not exist on one keep-alive connection, then prints mean, median, p90 and
p99 of each and their difference.

  python3 tests/api/timing_probe.py --aegis build/src/app/aegis [--rounds 3000] [--cases 2000]
"""
import argparse
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from loopback_test import Client, free_port  # noqa: E402


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aegis", required=True)
    ap.add_argument("--rounds", type=int, default=3000)
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--officer", default="off.richmond.1")
    ap.add_argument("--others", default="sup.central,sup.east",
                    help="supervisors of other districts, whose cases the officer may not open")
    args = ap.parse_args()
    aegis = os.path.realpath(args.aegis)
    work = tempfile.mkdtemp(prefix="aegis-timing-")
    server = None
    try:
        db = os.path.join(work, "t.db")
        subprocess.run([aegis, "demo", "--db", db, "--cases", str(args.cases), "--seed", "7"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port = free_port()
        server = subprocess.Popen([aegis, "serve", "--db", db, "--port", str(port),
                                   "--login-attempts-per-minute", "1000"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        c = Client(port)
        c.wait_until_up()
        officer, _ = c.login(args.officer)
        mine = {x["id"] for x in c.request("GET", "/api/v1/cases?limit=500", token=officer)[1]["items"]}
        clues_mine = {x["id"] for x in c.request("GET", "/api/v1/clues?limit=500",
                                                 token=officer)[1]["items"]}
        # Other districts' cases and clues, as their supervisors see them.
        everyone, clues_all = [], []
        for sup in args.others.split(","):
            token, _ = c.login(sup)
            everyone += c.request("GET", "/api/v1/cases?limit=500", token=token)[1]["items"]
            clues_all += c.request("GET", "/api/v1/clues?limit=500", token=token)[1]["items"]
        hidden = sorted({x["id"] for x in everyone} - mine)
        hidden_clues = sorted({x["id"] for x in clues_all} - clues_mine)
        top = max([x["id"] for x in everyone] + [x["id"] for x in clues_all])
        unknown = [top + 1_000_000 + i for i in range(max(len(hidden), 1))]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": "Bearer " + officer}

        def timed(path):
            t = time.perf_counter()
            conn.request("GET", path, headers=headers)
            r = conn.getresponse()
            body = r.read()
            dt = (time.perf_counter() - t) * 1000
            return r.status, body, dt

        print(f"officer {args.officer}: {len(mine)} cases open to them, {len(hidden)} other cases "
              f"sampled, {args.rounds} rounds each, one keep-alive connection")
        for label, other, fmt in [("case", hidden, "/api/v1/cases/{}"),
                                  ("clue", hidden_clues, "/api/v1/clues/{}")]:
            if not other:
                continue
            for _ in range(200):  # warm-up
                timed(fmt.format(random.choice(other)))
                timed(fmt.format(random.choice(unknown)))
            a, b, bodies = [], [], set()
            for i in range(args.rounds):
                pair = [("other", random.choice(other)), ("unknown", random.choice(unknown))]
                random.shuffle(pair)  # alternate, in random order
                for kind, id_ in pair:
                    status, body, dt = timed(fmt.format(id_))
                    bodies.add((status, body))
                    (a if kind == "other" else b).append(dt)
            print(f"\n{label} ids: another unit's vs unknown ({len(bodies)} distinct answer(s))")
            for name, v in [("another unit's", a), ("unknown", b)]:
                print(f"  {name:15s} mean {statistics.mean(v):.3f} ms  median "
                      f"{statistics.median(v):.3f}  p90 {percentile(v, 90):.3f}  p99 "
                      f"{percentile(v, 99):.3f}  (n={len(v)})")
            print(f"  difference      mean {statistics.mean(a) - statistics.mean(b):+.3f} ms  "
                  f"median {statistics.median(a) - statistics.median(b):+.3f} ms")
        conn.close()
    finally:
        if server and server.poll() is None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
