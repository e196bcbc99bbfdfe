#!/usr/bin/env bash
# Runs the browser tests: a fresh demo database, `aegis serve` on a free loopback port, then Node's
# test runner driving Debian's Chromium through playwright-core. Screenshots land in screenshots/.
set -euo pipefail
AEGIS=$(realpath "${1:?usage: run.sh path/to/aegis}")
cd "$(dirname "$0")"
ROOT=$(realpath ../..)
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { [[ -n ${PID:-} ]] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

"$AEGIS" demo --db "$WORK/ui.db" --cases 600 --seed 7 >/dev/null 2>"$WORK/demo.log"
# A supervisor without a second factor yet, for the enrolment test (demo supervisors have one).
echo 'Newcomer-pass-2026' | "$AEGIS" user add --db "$WORK/ui.db" --username sup.newcomer \
  --role supervisor --unit DEMO-E-MISSION --name "米申分局 新任督导" >/dev/null
# Every test signs in from 127.0.0.1: the per-address limit (10 a minute) is raised for the run;
# the API tests cover the limit itself. Codes used per account are shared between test files.
"$AEGIS" serve --db "$WORK/ui.db" --port "$PORT" --web "$ROOT/web/dist" \
  --login-attempts-per-minute 1000 >"$WORK/serve.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1 && break
  sleep 0.1
done
export AEGIS_URL="http://127.0.0.1:$PORT"
export AEGIS_TOTP_STATE="$WORK/totp-steps.json"
mkdir -p screenshots
# AEGIS_BROWSER_TESTS="audit.test.mjs ..." runs a subset while working on one page.
node --test --test-concurrency=1 --test-timeout=180000 ${AEGIS_BROWSER_TESTS:-./*.test.mjs}
