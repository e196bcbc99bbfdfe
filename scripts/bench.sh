#!/usr/bin/env bash
# Benchmarks: bulk import of AEGIS_BENCH_CASES (default 1,000,000) cases, Google Benchmark on that
# store, then wrk against `aegis serve` at 64 connections. Prints every figure the README quotes.
set -euo pipefail
AEGIS=$(realpath "${1:?usage: bench.sh path/to/aegis}")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH_BIN="$(dirname "$(dirname "$(dirname "$AEGIS")")")/bench/aegis_bench"
N=${AEGIS_BENCH_CASES:-1000000}
WORK=${AEGIS_BENCH_WORK:-$(mktemp -d)}
DB="$WORK/bench.db"
DURATION=${AEGIS_BENCH_SECONDS:-20}
PID=""
cleanup() { [[ -n $PID ]] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u +%FT%TZ)"
rm -f "$DB" "$DB"-* "$DB.key"
"$AEGIS" demo --db "$DB" --cases 2000 --seed 1 2>/dev/null | head -1
python3 "$ROOT/bench/make_cases.py" "$N" > "$WORK/cases.ndjson"
sync  # the generated file's writeback is not the import's
echo "== bulk import of $N cases (aegis import --cases FILE)"
"$AEGIS" import --db "$DB" --cases "$WORK/cases.ndjson"
rm -f "$WORK/cases.ndjson"

echo "== Google Benchmark on the same store"
AEGIS_BENCH_DB="$DB" "$BENCH_BIN" --benchmark_min_time=2 --benchmark_filter='-BM_ImportCases'
"$BENCH_BIN" --benchmark_filter='BM_ImportCases'

echo "== wrk -t2 -c64 -d${DURATION}s against aegis serve (2 network threads), case reads by id"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$AEGIS" serve --db "$DB" --port "$PORT" --threads 2 >"$WORK/serve.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done
export AEGIS_TOKEN=$(python3 "$ROOT/bench/signin.py" "$PORT")
export AEGIS_MAX_ID=$(sqlite3 "$DB" 'SELECT MAX(id) FROM cases')
# A 5 s warm-up first (not reported): the server has just started and its caches are cold.
wrk -t2 -c64 -d5s -s "$ROOT/bench/wrk_case_reads.lua" "http://127.0.0.1:$PORT" >/dev/null
wrk -t2 -c64 -d"${DURATION}s" --latency -s "$ROOT/bench/wrk_case_reads.lua" "http://127.0.0.1:$PORT"
# The same with one wrk thread: client and server share the two cores, and a second client thread
# mostly adds context switches that take CPU from the server.
echo "== wrk -t1 -c64 -d${DURATION}s, case reads by id (one load-generator thread)"
wrk -t1 -c64 -d"${DURATION}s" --latency -s "$ROOT/bench/wrk_case_reads.lua" "http://127.0.0.1:$PORT"
echo "== wrk: filtered case list (stage=under_investigation, 50 per page, sorted by filed_at)"
AEGIS_PATH="/api/v1/cases?stage=under_investigation&limit=50" \
  wrk -t2 -c64 -d"${DURATION}s" --latency -s "$ROOT/bench/wrk_case_reads.lua" "http://127.0.0.1:$PORT"
