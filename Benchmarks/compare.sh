#!/usr/bin/env bash
# Times `recount audit` on one generated data set against `pigz -dc` (the decompression floor),
# DuckDB running sql/usage_audit.sql and polars running polars_audit.py (the same usage audit,
# with `band_rule: start` rating and no duplicate detection). Prints seconds, rows/s, MB/s of
# decompressed input, the ratio to pigz, and peak RSS (from /usr/bin/time -v).
#
# Usage: Benchmarks/compare.sh [ROWS] [FILES]     (defaults: 10000000 rows in 4 files, --seed 1)
# Environment: DATA=folder for the data set (default bench-data/compare-ROWS-FILES; reused
# when it already holds the same parameters), THREADS=worker threads for every tool (default: cores).
set -euo pipefail

ROWS=${1:-10000000}
FILES=${2:-4}
SEED=1
THREADS=${THREADS:-$(nproc)}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=${DATA:-$ROOT/bench-data/compare-$ROWS-$FILES}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# --- tools -------------------------------------------------------------------------------
need_apt=()
command -v pigz >/dev/null || need_apt+=(pigz)
[ -x /usr/bin/time ] || need_apt+=(time)
if [ ${#need_apt[@]} -gt 0 ]; then
    apt-get update -qq && apt-get install -y -qq "${need_apt[@]}"
fi
if ! python3 -c 'import duckdb, polars' 2>/dev/null; then
    python3 -m pip --version >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq python3-pip; }
    # Debian marks its Python as externally managed (PEP 668): a plain `pip install` refuses.
    python3 -m pip install -q duckdb polars 2>/dev/null ||
        python3 -m pip install -q --break-system-packages duckdb polars
fi

# --- build and data ----------------------------------------------------------------------
(cd "$ROOT" && swift build -c release 2>&1 | tail -1)
RECOUNT=$ROOT/.build/release/recount
PARAMS="rows=$ROWS files=$FILES seed=$SEED"
if [ "$(cat "$DATA/.compare-params" 2>/dev/null)" != "$PARAMS" ]; then
    "$RECOUNT" generate --out "$DATA" --usage-rows "$ROWS" --files "$FILES" --seed "$SEED" --force
    echo "$PARAMS" > "$DATA/.compare-params"
fi
USAGE_FILES=("$DATA"/usage/*.csv.gz)
INPUT_BYTES=$(pigz -dc "${USAGE_FILES[@]}" | wc -c)

# --- timing ------------------------------------------------------------------------------
# run NAME COMMAND...: wall seconds and peak RSS (KiB) of one run, appended to $WORK/results.
run() {
    local name=$1
    shift
    /usr/bin/time -v -o "$WORK/$name.time" "$@" > "$WORK/$name.out" 2>&1 || {
        echo "$name failed:" >&2
        cat "$WORK/$name.out" >&2
        exit 1
    }
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$WORK/$name.time")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/$name.time")
    echo "$name $wall $rss" >> "$WORK/results"
}

run pigz sh -c 'for f in "$@"; do pigz -dc "$f"; done > /dev/null' sh "${USAGE_FILES[@]}"
run recount "$RECOUNT" audit --catalog "$DATA/catalog.yaml" --usage "$DATA/usage" --out "$WORK/recount-out" \
    --threads "$THREADS"
run duckdb python3 "$ROOT/Benchmarks/duckdb_audit.py" "$DATA" "$WORK/duckdb-out" "$THREADS"
run polars env POLARS_MAX_THREADS="$THREADS" python3 "$ROOT/Benchmarks/polars_audit.py" "$DATA" "$WORK/polars-out"

echo
echo "usage audit of $ROWS rows in $FILES gzip files ($((INPUT_BYTES / 1000000)) MB decompressed), $THREADS threads"
awk -v rows="$ROWS" -v bytes="$INPUT_BYTES" '
    NR == 1 { base = $2 }
    { results[NR] = $0 }
    END {
        printf "%-10s %10s %14s %10s %10s %12s\n", "tool", "seconds", "rows/s", "MB/s", "vs pigz", "peak RSS MB"
        for (i = 1; i <= NR; i++) {
            split(results[i], f, " ")
            printf "%-10s %10.2f %14.0f %10.1f %9.2fx %12.0f\n", f[1], f[2], rows / f[2], bytes / f[2] / 1e6, f[2] / base, f[3] / 1024
        }
    }' "$WORK/results"
echo
for tool in duckdb polars; do
    echo "$tool findings (rule, count, overcharge):"
    sed 's/^/    /' "$WORK/$tool.out"
done
