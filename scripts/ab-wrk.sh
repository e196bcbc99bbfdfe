#!/usr/bin/env bash
# Compares aegis binaries on case reads under wrk (64 connections, as `make bench`): runs them in
# turn on one store, ROUNDS times, and prints each run's requests/s, p99 and the server's CPU time
# per request. The machine the README's figures come from drifts by ±15 % within minutes, so a
# change is judged by alternating runs, and by CPU per request more than by throughput.
# usage: scripts/ab-wrk.sh DB AEGIS_A [AEGIS_B ...]   (env: ROUNDS=3, SECS=10)
# DB: a store made by `make bench` (AEGIS_BENCH_WORK=dir keeps it) or `aegis demo` + `aegis import`.
# Each binary migrates the store to its own schema first, so compare binaries of one schema.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DB=$(realpath "${1:?usage: ab-wrk.sh DB AEGIS_A [AEGIS_B ...]}")
shift
ROUNDS=${ROUNDS:-3}
SECS=${SECS:-10}
TICKS=$(getconf CLK_TCK)
PID=""
cleanup() { [[ -n $PID ]] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT
export AEGIS_MAX_ID=$(sqlite3 "$DB" 'SELECT MAX(id) FROM cases')

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

for round in $(seq 1 "$ROUNDS"); do
  for bin in "$@"; do
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    "$bin" serve --db "$DB" --port "$PORT" --threads 2 >/dev/null 2>&1 &
    PID=$!
    for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done
    export AEGIS_TOKEN=$(python3 "$ROOT/bench/signin.py" "$PORT")
    wrk -t2 -c64 -d3s -s "$ROOT/bench/wrk_case_reads.lua" "http://127.0.0.1:$PORT" >/dev/null
    before=$(cpu_ticks "$PID")
    out=$(wrk -t2 -c64 -d"${SECS}s" --latency -s "$ROOT/bench/wrk_case_reads.lua" "http://127.0.0.1:$PORT")
    after=$(cpu_ticks "$PID")
    kill "$PID"
    wait "$PID" 2>/dev/null || true
    PID=""
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    cpu_us=$(python3 -c "print(round(($after - $before) / $TICKS * 1e6 / ($rps * $SECS), 1))")
    echo "round $round  $bin  ${rps} req/s  p99 ${p99}  server CPU ${cpu_us} µs/request"
  done
done
