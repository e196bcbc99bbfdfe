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
"$AEGIS" serve --db "$WORK/ui.db" --port "$PORT" --web "$ROOT/web/dist" >"$WORK/serve.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1 && break
  sleep 0.1
done
export AEGIS_URL="http://127.0.0.1:$PORT"
mkdir -p screenshots
node --test --test-concurrency=1 --test-timeout=180000 ./*.test.mjs
