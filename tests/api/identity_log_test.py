#!/usr/bin/env python3
"""No victim identity in logs: a real `aegis serve` goes through a realistic flow with a victim
whose name, resident ID number, phone, address and contact details are distinctive (intake,
duplicate check, filing, the case page, identity reveal, contact preferences, interview, consent,
referral and the partner's view, the survivor page, search by identity, failed validations,
failed sign-ins and a bad purpose header carrying the identity). Then the server's stdout and
stderr, every log file in its directory and the CLI's output are searched for each value and its
common variants (spacing, +86, lower-case x, JSON \\u escapes, percent-encoding): nothing may be
found. The database file is searched too: identities are encrypted at rest. With --build-dir, the
ctest output of the API tests (run with -V --output-on-failure) is searched for their fixtures'
identities. Python's standard library only.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from loopback_test import Client, free_port  # noqa: E402


def resident_id(first17):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


# A 14-year-old victim; the sequence number is chosen so that the check character is X.
SEQ = next(s for s in range(100, 1000) if resident_id(f"44010620110923{s}").endswith("X"))
NAME = "蔺晓婷"
ID_NUMBER = resident_id(f"44010620110923{SEQ}")
PHONE = "13987654321"
ADDRESS = "示范省蔺家巷77号"
PREF_PHONE = "15955556666"
GUARDIAN_NAME = "蔺母亲测试"
GUARDIAN_PHONE = "15955557777"


def variants():
    """Each identity value and the forms it could take in a log line."""
    out = {}
    for label, v in [("name", NAME), ("address", ADDRESS), ("guardian name", GUARDIAN_NAME)]:
        out[label] = {v, json.dumps(v)[1:-1], json.dumps(v)[1:-1].upper().replace("\\U", "\\u"),
                      quote(v), quote(v).lower(), v.encode("utf-8").hex()}
    out["id number"] = {ID_NUMBER, ID_NUMBER.lower(), ID_NUMBER[:6] + " " + ID_NUMBER[6:14] + " "
                        + ID_NUMBER[14:], ID_NUMBER[:17]}
    for label, p in [("phone", PHONE), ("preferred phone", PREF_PHONE),
                     ("guardian phone", GUARDIAN_PHONE)]:
        out[label] = {p, "+86" + p, "86" + p, f"{p[:3]} {p[3:7]} {p[7:]}", f"{p[:3]}-{p[3:7]}-{p[7:]}"}
    out["date of birth"] = {"2011-09-23"}
    return out


def find_identity(text):
    """The (label, variant) pairs found in `text`."""
    return [(label, v) for label, vs in variants().items() for v in vs if v and v in text]


def flow(c, aegis, db, work, cli_out):
    officer, _ = c.login("officer")
    supervisor, _ = c.login("supervisor")
    partner, _ = c.login("partner")

    def req(method, path, body=None, token=None, headers=None, want=None, raw=None):
        status, payload, _, data = c.request(method, path, body, token=token, headers=headers,
                                             raw=raw)
        if want is not None and status != want:
            raise AssertionError(f"{method} {path}: {status} {data[:200]!r}")
        return payload

    identity = {"name": NAME, "id_number": ID_NUMBER, "phone": PHONE, "address": ADDRESS}
    clue = {"source": "walk_in", "summary": "身份日志测试：放学途中被尾随",
            "facts": {"place": "日志测试路口", "youngest_victim_age": 14},
            "victim": {"sex": "female", "age": 14, "identity": identity},
            "suspect_description": "男，约三十岁", "confirm_not_duplicate": True}
    req("POST", "/api/v1/clues/check-duplicates", clue, officer, want=200)
    created = req("POST", "/api/v1/clues", clue, officer, want=201)
    # Failed validations with the identity in the body, query, path and headers.
    bad = json.loads(json.dumps(clue))
    bad["victim"]["identity"]["id_number"] = ID_NUMBER[:17] + ("1" if ID_NUMBER[17] != "1" else "2")
    req("POST", "/api/v1/clues", bad, officer, want=400)
    bad = dict(clue, source=NAME)
    req("POST", "/api/v1/clues", bad, officer, want=400)
    bad = dict(clue, summary=f"{NAME} {ID_NUMBER} {PHONE} " + "x" * 5000)
    req("POST", "/api/v1/clues", bad, officer, want=400)
    req("POST", "/api/v1/clues", raw=("{" + f'"summary": "{NAME} {PHONE}", ').encode(),
        token=officer, want=400)
    req("GET", "/api/v1/cases?q=" + quote(NAME), token=officer, want=200)
    req("GET", "/api/v1/clues?q=" + PHONE, token=officer, want=200)
    req("GET", "/api/v1/cases?stage=" + quote(ID_NUMBER), token=officer, want=400)
    req("GET", "/api/v1/cases/" + quote(NAME), token=officer, want=404)
    req("GET", "/api/v1/cases", token=officer, headers={"X-Aegis-Purpose": ID_NUMBER}, want=400)
    req("POST", "/api/v1/auth/login", {"username": ID_NUMBER, "password": NAME + PHONE}, want=401)
    req("POST", "/api/v1/survivor/status", {"reference": ID_NUMBER, "code": PHONE}, want=404)
    # Filing, the case page, the identity.
    decided = req("POST", f"/api/v1/clues/{created['id']}/decision",
                  {"decision": "file", "title": "日志测试案"}, supervisor, want=200)
    case_id = decided["case"]["id"]
    page = req("GET", f"/api/v1/cases/{case_id}", token=officer, want=200)
    victim = next(p["id"] for p in page["persons"] if p["role"] == "victim")
    shown = req("GET", f"/api/v1/cases/{case_id}/persons/{victim}/identity", token=supervisor,
                want=200)
    assert shown["id_number"] == ID_NUMBER, shown
    # Victim support: preferences, interview, consent, referral, the partner's view.
    prefs = {"channels": ["phone", "through_guardian"], "phone": PREF_PHONE, "window_start": "09:00",
             "window_end": "20:00", "days": ["mon", "tue", "wed", "thu", "fri"],
             "utc_offset_minutes": 480, "who_may_contact": "female_officer_only", "language": "zh",
             "notify_referrals": True, "notify_case_progress": True,
             "guardian_name": GUARDIAN_NAME, "guardian_phone": GUARDIAN_PHONE}
    req("PUT", f"/api/v1/cases/{case_id}/persons/{victim}/contact-preferences", prefs, officer,
        want=200)
    req("GET", f"/api/v1/cases/{case_id}/persons/{victim}/contact-preferences", token=officer,
        want=200)
    bad_prefs = dict(prefs, phone=PHONE + "999", guardian_phone=NAME)
    req("PUT", f"/api/v1/cases/{case_id}/persons/{victim}/contact-preferences", bad_prefs, officer,
        want=400)
    req("POST", f"/api/v1/cases/{case_id}/interviews",
        {"person_id": victim, "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
         "duration_minutes": 45, "location": "one_stop_room", "present": ["guardian", "counsellor"]},
        officer, want=201)
    agency = req("GET", "/api/v1/auth/me", token=partner, want=200)["unit"]["id"]
    support = req("POST", f"/api/v1/cases/{case_id}/consents",
                  {"person_id": victim, "given_by": "guardian", "giver_relationship": "mother",
                   "agency_unit_ids": [agency],
                   "fields": ["name", "phone", "address", "guardian_contact"]}, officer, want=201)
    entry = next(v for v in support["victims"] if v["person_id"] == victim)
    consent = entry["consents"][-1]["id"]
    support = req("POST", f"/api/v1/cases/{case_id}/referrals",
                  {"person_id": victim, "consent_id": consent, "partner_unit_id": agency,
                   "kind": "counselling", "need": "心理疏导"}, officer, want=201)
    entry = next(v for v in support["victims"] if v["person_id"] == victim)
    referral = entry["referrals"][-1]["id"]
    seen = req("GET", f"/api/v1/referrals/{referral}", token=partner, want=200)
    assert seen["contact"]["name"] == NAME, seen["contact"]
    req("POST", f"/api/v1/referrals/{referral}/status",
        {"status": "accepted", "partner_contact": "妇联热线 12338"}, partner, want=200)
    code = req("POST", f"/api/v1/cases/{case_id}/persons/{victim}/survivor-code", {}, officer,
               want=201)["code"]
    req("POST", "/api/v1/survivor/status", {"reference": page["reference"], "code": code}, want=200)
    req("POST", f"/api/v1/cases/{case_id}/consents/{consent}/withdraw", {"note": "监护人撤回"},
        officer, want=200)
    # The CLI on the same database.
    verify = subprocess.run([aegis, "audit", "verify", "--db", db], capture_output=True, text=True)
    cli_out.append(verify.stdout + verify.stderr)


def search(label, text, failures):
    found = find_identity(text)
    if found:
        failures.append(f"{label}: " + ", ".join(f"{k} as {v[:4]}…" for k, v in found[:6]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aegis", required=True)
    ap.add_argument("--build-dir", help="also search the ctest output of the API tests")
    args = ap.parse_args()
    aegis = os.path.realpath(args.aegis)
    # The search itself must work: a log line with a variant of each value is found.
    for label, vs in variants().items():
        for v in vs:
            assert find_identity("2026-01-01 info request " + v + " done"), (label, v)
    work = tempfile.mkdtemp(prefix="aegis-identity-log-")
    server = None
    failures, cli_out = [], []
    try:
        db = os.path.join(work, "t.db")
        demo = subprocess.run([aegis, "demo", "--db", db, "--cases", "60", "--seed", "3"],
                              capture_output=True, text=True, check=True)
        cli_out.append(demo.stdout + demo.stderr)
        port = free_port()
        log_path = os.path.join(work, "serve.log")
        log = open(log_path, "w")
        server = subprocess.Popen([aegis, "serve", "--db", db, "--port", str(port),
                                   "--login-attempts-per-minute", "1000"], stdout=log, stderr=log,
                                  cwd=work)
        c = Client(port)
        c.wait_until_up()
        try:
            flow(c, aegis, db, work, cli_out)
            print("ok   realistic_flow_with_a_distinctive_identity")
        except Exception:
            failures.append("the flow failed: " + traceback.format_exc())
        server.terminate()
        server.wait(timeout=10)
        log.close()
        search("server stdout/stderr", open(log_path, encoding="utf-8", errors="replace").read(),
               failures)
        for path in glob.glob(os.path.join(work, "**", "*.log"), recursive=True):
            search(os.path.basename(path), open(path, encoding="utf-8", errors="replace").read(),
                   failures)
        search("CLI output", "\n".join(cli_out), failures)
        # At rest: the database file and its write-ahead log hold the identity only encrypted.
        for path in glob.glob(db + "*"):
            blob = open(path, "rb").read()
            for label, v in [("name", NAME), ("id number", ID_NUMBER), ("phone", PHONE),
                             ("preferred phone", PREF_PHONE), ("guardian name", GUARDIAN_NAME),
                             ("address", ADDRESS)]:
                if v.encode() in blob:
                    failures.append(f"{os.path.basename(path)}: the {label} is stored in clear")
        if args.build_dir:
            # The API tests' own output (verbose, as on a failure) carries none of their fixtures'
            # identities.
            out = subprocess.run(["ctest", "--test-dir", args.build_dir, "-R",
                                  "AuthorizationMatrix|NonLeak|ApiTest", "-j2",
                                  "--output-on-failure", "-V"], capture_output=True, text=True)
            ctest_log = os.path.join(work, "ctest.log")
            open(ctest_log, "w").write(out.stdout + out.stderr)
            fixtures = ["矩阵受害人", "张小红", "13812345678", resident_id("44010320150315002"),
                        resident_id("44010320100315001")]
            text = open(ctest_log, encoding="utf-8", errors="replace").read()
            hits = [f for f in fixtures if f in text]
            if out.returncode != 0:
                failures.append("ctest of the API tests failed")
            if hits:
                failures.append("ctest output: fixture identities " + ", ".join(h[:2] for h in hits))
            print(f"     searched {len(text)} bytes of ctest output")
    finally:
        if server and server.poll() is None:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("FAIL identity_not_in_logs")
        for f in failures:
            print("  " + f)
        return 1
    print("ok   identity_not_in_logs (server output, log files, CLI output, database at rest)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
