#!/usr/bin/env bash
# Run newsgraph's atheris harnesses: fuzz/run.sh [TOTAL_INPUTS] [HARNESS...]
#
# TOTAL_INPUTS (default 100000) is shared among the harnesses by the weights below (the slow ones,
# analyze and html, get fewer); HARNESS names (text html jsonl warc feed fetch analyze, default all) pick some.
# Each input has a time limit (FUZZ_TIMEOUT seconds, default 20) and the process a memory limit
# (FUZZ_RSS_MB, default 2048); the corpus starts from our own fixtures (fuzz/seeds.py) and grows in
# FUZZ_WORK (default /tmp/newsgraph-fuzz). A crash, hang or memory blow-up leaves its input in
# FUZZ_WORK/crashes/; replay it with `python fuzz/fuzz_NAME.py FILE`. Runs niced: the machine is shared.
# Exit status: 0 when every harness ran its inputs clean, 1 when any found something.
set -u
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
TOTAL=${1:-100000}
shift $(( $# > 0 ? 1 : 0 ))
HARNESSES=("$@")
[ ${#HARNESSES[@]} -eq 0 ] && HARNESSES=(text html jsonl warc feed fetch analyze)
WORK=${FUZZ_WORK:-/tmp/newsgraph-fuzz}
TIMEOUT=${FUZZ_TIMEOUT:-20}
RSS_MB=${FUZZ_RSS_MB:-2048}
declare -A WEIGHT=([text]=30 [jsonl]=18 [warc]=16 [feed]=14 [html]=10 [fetch]=8 [analyze]=4)

total_weight=0
for h in "${HARNESSES[@]}"; do
    [ -n "${WEIGHT[$h]:-}" ] || { echo "unknown harness $h; known: ${!WEIGHT[*]}" >&2; exit 2; }
    total_weight=$(( total_weight + WEIGHT[$h] ))
done

mkdir -p "$WORK/seeds" "$WORK/corpus" "$WORK/crashes" "$WORK/logs" "$WORK/tmp"
"$PYTHON" fuzz/seeds.py "$WORK/seeds" || exit 2
export FUZZ_TMP="$WORK/tmp"
status=0
for h in "${HARNESSES[@]}"; do
    runs=$(( TOTAL * WEIGHT[$h] / total_weight ))
    mkdir -p "$WORK/corpus/$h"
    started=$(date +%s)
    nice -n 10 "$PYTHON" "fuzz/fuzz_$h.py" "$WORK/corpus/$h" "$WORK/seeds/$h" \
        -runs="$runs" -timeout="$TIMEOUT" -rss_limit_mb="$RSS_MB" -max_len=60000 \
        -seed="${FUZZ_SEED:-1}" -print_final_stats=1 \
        -artifact_prefix="$WORK/crashes/$h-" >"$WORK/logs/$h.log" 2>&1
    rc=$?
    done_runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$WORK/logs/$h.log" | grep -o '[0-9]*$')
    echo "$h: ${done_runs:-?} of $runs inputs in $(( $(date +%s) - started )) s, exit $rc (log $WORK/logs/$h.log)"
    [ $rc -eq 0 ] || status=1
done
ls "$WORK/crashes" | sed 's/^/found: /'
exit $status
