#!/usr/bin/env bash
# Runs the libFuzzer targets built in build-fuzz (AEGIS_FUZZ=ON, see fuzz/README.md).
#   scripts/fuzz.sh run  SECONDS [TARGET...]  fuzz each target for SECONDS, then merge the inputs
#                                            that add coverage into fuzz/corpus/<target>/
#   scripts/fuzz.sh test SECONDS [TARGET...]  fuzz each target for SECONDS from the committed
#                                            corpus without changing it (make test)
# A crash, a sanitizer report or a timeout fails the run; the input is kept in
# build-fuzz/artifacts/ for a regression test.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODE=${1:?usage: fuzz.sh run|test SECONDS [TARGET...]}
SECONDS_PER_TARGET=${2:?usage: fuzz.sh run|test SECONDS [TARGET...]}
shift 2
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=(redaction_fuzz json_request_fuzz case_import_fuzz)
BUILD=${AEGIS_FUZZ_BUILD:-$ROOT/build-fuzz}
mkdir -p "$BUILD/artifacts" "$BUILD/logs"
for target in "${TARGETS[@]}"; do
  corpus="$ROOT/fuzz/corpus/$target"
  scratch=$(mktemp -d)
  log="$BUILD/logs/$target.log"
  echo "== $target: ${SECONDS_PER_TARGET}s (log: $log)"
  status=0
  # New inputs go to the scratch directory (the first one); the committed corpus is read.
  "$BUILD/fuzz/$target" "$scratch" "$corpus" -dict="$ROOT/fuzz/corpus/$target.dict" \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$BUILD/artifacts/$target-" >"$log" 2>&1 || status=$?
  grep -E "^#[0-9]+[[:space:]]+DONE" "$log" | tail -1 || true
  grep -E "stat::(number_of_executed_units|average_exec_per_sec)" "$log" || true
  if ((status != 0)); then
    grep -E "ERROR|SUMMARY|Test unit written|ParseDictionaryFile" "$log" | head -5 || true
    rm -rf "$scratch"
    echo "$target FAILED (exit $status); see $log" >&2
    exit 1
  fi
  if [[ $MODE == run ]]; then
    # Minimise the old corpus and the new inputs together, by edge coverage (not hit counts), so
    # that the committed corpus stays small: the smallest inputs that reach every edge reached.
    merged=$(mktemp -d)
    "$BUILD/fuzz/$target" -merge=1 -use_counters=0 "$merged" "$corpus" "$scratch" \
      >"$BUILD/logs/$target.merge.log" 2>&1
    rm -rf "$corpus" && mv "$merged" "$corpus"
    echo "   corpus: $(find "$corpus" -type f | wc -l) inputs, $(cat "$corpus"/* | wc -c) bytes"
  fi
  rm -rf "$scratch"
done
