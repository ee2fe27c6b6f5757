#!/usr/bin/env bash
# The README's per-command throughput table: each command against `pigz -dc` of the same files,
# in the same run, best of RUNS (default 3) wall times, peak RSS from /usr/bin/time.
#
# Usage: Benchmarks/throughput.sh            (data under bench-data/, generated once and reused)
# Sets:  single  — one gzip file, 10M usage rows, 1M accounts, ~0.5% planted errors
#        four    — the same volume in 4 files (validate/audit inflate files in parallel)
#        charges — 10M charge items against ~7.2M subscription orders
#        heavy   — 10M usage rows in 4 files where 96% of the rows are findings (every usage
#                  rule planted at 16%: a carrier that overbills nearly every record)
#        heavy-ids — the heavy set with record_ids 28 bytes long that share a 17-byte prefix,
#                  as real ids do (`--id-prefix`): longer keys, and record_ids past the 15
#                  bytes a Swift string holds inline
#        compare — compare.sh's set: 10M usage rows in 4 files, 10,000 accounts, 6% findings
#        compare-uuid — the same with UUID record_ids (`--id-format uuid`)
# Last, the compare set paired with `pigz -dc` (PAIRS pairs, default 8): the README's "paired" column.
# A command that fails stops the script with its message (exit 1): no timing of a failure.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=${DATA:-$ROOT/bench-data}
RUNS=${RUNS:-3}
command -v pigz >/dev/null || { apt-get update -qq && apt-get install -y -qq pigz; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
(cd "$ROOT" && swift build -c release 2>&1 | tail -1)
R=$ROOT/.build/release/recount
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

make_set() {  # name args...
    local name=$1; shift
    if [ ! -f "$DATA/$name/README.txt" ]; then "$R" generate --out "$DATA/$name" --force "$@" > /dev/null; fi
}
make_set single --usage-rows 10000000 --files 1 --accounts 1000000 --error-rate 0.0008 --charges 1000 --seed 7
make_set four --usage-rows 10000000 --files 4 --accounts 1000000 --error-rate 0.0008 --charges 1000 --seed 7
make_set charges --usage-rows 1000 --files 1 --accounts 2000000 --charges 10000000 --error-rate 0.001 --seed 9
make_set heavy --usage-rows 10000000 --files 4 --accounts 10000 --error-rate 0.16 --seed 1
make_set heavy-ids --usage-rows 10000000 --files 4 --accounts 10000 --error-rate 0.16 --seed 1 --id-prefix CDR-2026-10-SW07-
make_set compare --usage-rows 10000000 --files 4 --seed 1
make_set compare-uuid --usage-rows 10000000 --files 4 --seed 1 --id-format uuid

# best NAME CMD...: best wall seconds and the peak RSS (MB) of that run. Call it as
# `result=$(best …)`, so that its failure stops the script (set -e).
best() {
    local name=$1; shift
    local best_wall=999999 best_rss=0
    for _ in $(seq "$RUNS"); do
        if ! /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" > "$WORK/output" 2>&1; then
            { echo "failed: $*"; tail -5 "$WORK/output"; } >&2
            return 1
        fi
        read -r wall rss < "$WORK/time"
        if awk "BEGIN{exit !($wall < $best_wall)}"; then best_wall=$wall; best_rss=$((rss / 1024)); fi
    done
    echo "$name $best_wall $best_rss"
}

report() {  # set kind rows files...
    local set=$1 rows=$2; shift 2
    local bytes; bytes=$(pigz -dc "$@" | wc -c)
    local floor; floor=$(best pigz sh -c 'for f in "$@"; do pigz -dc "$f"; done > /dev/null' sh "$@")
    echo "$floor" | awk -v set="$set" -v rows="$rows" -v bytes="$bytes" '{printf "%-8s %-34s %7.2f s %10.0f rows/s %7.1f MB/s  1.00x  %5d MB\n", set, "pigz -dc (sequential)", $2, rows/$2, bytes/1e6/$2, $3}'
    echo "$floor" > "$WORK/floor"
}

line() {  # set rows bytes label result
    awk -v set="$1" -v rows="$2" -v bytes="$3" -v label="$4" -v floor="$(awk '{print $2}' "$WORK/floor")" \
        '{printf "%-8s %-34s %7.2f s %10.0f rows/s %7.1f MB/s %5.2fx  %5d MB\n", set, label, $2, rows/$2, bytes/1e6/$2, $2/floor, $3}' <<< "$5"
}

S=$DATA/single; F=$DATA/four; C=$DATA/charges
# rows: data lines of the files (each has one header line)
for set in single four; do
    D=$DATA/$set
    files=("$D"/usage/*.csv.gz)
    bytes=$(pigz -dc "${files[@]}" | wc -c)
    rows=$(( $(pigz -dc "${files[@]}" | wc -l) - ${#files[@]} ))
    report "$set" "$rows" "${files[@]}"
    result=$(best v "$R" validate --usage "$D/usage")
    line "$set" "$rows" "$bytes" "recount validate" "$result"
    result=$(best r "$R" rate --catalog "$D/catalog.yaml" --usage "$D/usage" --out "$WORK/rated.csv")
    line "$set" "$rows" "$bytes" "recount rate" "$result"
    result=$(best a "$R" audit --catalog "$D/catalog.yaml" --usage "$D/usage" --out "$WORK/audit")
    line "$set" "$rows" "$bytes" "recount audit (usage)" "$result"
done
# 6% of the rows findings (compare.sh's set, the issue's 0.65x target), with numbered and UUID ids;
# then nearly every row a finding: the end of the run (sorting and writing 9.6M findings)
# outweighs the stream.
for set in compare compare-uuid heavy heavy-ids; do
    D=$DATA/$set
    files=("$D"/usage/*.csv.gz)
    bytes=$(pigz -dc "${files[@]}" | wc -c)
    rows=$(( $(pigz -dc "${files[@]}" | wc -l) - ${#files[@]} ))
    report "$set" "$rows" "${files[@]}"
    result=$(best h "$R" audit --catalog "$D/catalog.yaml" --usage "$D/usage" --out "$WORK/audit")
    case $set in heavy*) label="recount audit (96% findings)" ;; *) label="recount audit (6% findings)" ;; esac
    line "$set" "$rows" "$bytes" "$label" "$result"
done
# The floor for the charge audit is inflating everything it reads: charges and subscriptions.
files=("$C"/charges/*.csv.gz "$C/subscriptions.csv.gz")
items=$(( $(pigz -dc "$C"/charges/*.csv.gz | wc -l) - $(ls "$C"/charges/*.csv.gz | wc -l) ))
orders=$(( $(pigz -dc "$C/subscriptions.csv.gz" | wc -l) - 1 ))
rows=$(( items + orders ))
bytes=$(pigz -dc "${files[@]}" | wc -c)
report charges "$rows" "${files[@]}"
result=$(best c "$R" audit --catalog "$C/catalog.yaml" --charges "$C/charges" --subscriptions "$C/subscriptions.csv.gz" --providers "$C/providers.csv" --out "$WORK/audit")
line charges "$rows" "$bytes" "recount audit (charges+subs+prov)" "$result"
echo "charges set: $items charge items + $orders subscription orders (rows/s counts both)"
# The compare set's steadier figure, the README's "paired" column: PAIRS (default 8) alternating
# pairs of `pigz -dc` and the audit, and their median ratio (Benchmarks/paired.sh).
echo "compare set, paired with pigz -dc:"
"$ROOT/Benchmarks/paired.sh" "${PAIRS:-8}" "$DATA/compare/usage/*.gz" \
    audit --catalog "$DATA/compare/catalog.yaml" --usage "$DATA/compare/usage" --out "$WORK/paired"
