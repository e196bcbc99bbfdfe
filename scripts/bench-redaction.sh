#!/usr/bin/env bash
# The redaction engine against what an analyst would otherwise use: the same masking with Python's
# re (bench/redaction_re.py) on the same case notes (bench/redaction_corpus.py, 2000 notes).
# Usage: scripts/bench-redaction.sh [BUILD_DIR]   (default: build)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 "$ROOT/bench/redaction_corpus.py" "${AEGIS_REDACTION_NOTES:-2000}" > "$WORK/notes.txt"
echo "== redaction engine (Google Benchmark, CPU time)"
AEGIS_REDACTION_CORPUS="$WORK/notes.txt" "$BUILD/bench/redaction_bench" --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_format=json > "$WORK/cpp.json"
echo "== Python re on the same notes"
python3 "$ROOT/bench/redaction_re.py" "$WORK/notes.txt" 5 | tee "$WORK/py.txt"
python3 - "$WORK/cpp.json" "$WORK/py.txt" <<'PY'
import json, re, sys
cpp = json.load(open(sys.argv[1]))
median = next(b for b in cpp["benchmarks"] if b["name"] == "BM_RedactNotes_median")
cpp_ms = median["cpu_time"]  # milliseconds (the benchmark's unit)
py_ms = float(re.search(r"in ([0-9.]+) ms", open(sys.argv[2]).read()).group(1))
print(f"engine: {cpp_ms:.1f} ms CPU for the notes ({median['bytes_per_second'] / 1e6:.2f} MB/s); "
      f"python re: {py_ms:.1f} ms CPU; engine is {py_ms / cpp_ms:.1f}x faster")
PY
