#!/usr/bin/env bash
# Paired timing on a noisy machine: alternates `pigz -dc FILES` and a recount command N times
# and prints each pair's wall times, recount's rows/s and MB/s (from its summary line) and the
# ratio, then the median ratio. Drift in the machine's speed (shared VMs) hits both halves of a
# pair alike, so the ratio is steadier than either time.
# Usage: Benchmarks/paired.sh N 'FILES…' recount-args…   (builds recount in release first)
set -euo pipefail
n=$1; files=$2; shift 2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
(cd "$ROOT" && swift build -c release 2>&1 | tail -1)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ratios=()
for i in $(seq "$n"); do
    /usr/bin/time -f "%e" -o "$WORK/p" sh -c "pigz -dc $files > /dev/null"
    if ! /usr/bin/time -f "%e %M" -o "$WORK/r" "$ROOT/.build/release/recount" "$@" > "$WORK/out" 2> "$WORK/err"; then
        { echo "recount failed:"; tail -5 "$WORK/err"; } >&2
        exit 1
    fi
    p=$(cat "$WORK/p"); read -r r m < "$WORK/r"
    ratio=$(awk -v r="$r" -v p="$p" 'BEGIN{printf "%.2f", r/p}')
    ratios+=("$ratio")
    # recount's own throughput, from its summary line (rows/s and MB/s of decompressed input).
    rate=$(grep -oE '[0-9]+ rows/s, [0-9.]+ MB/s' "$WORK/out" | tail -1 || true)
    echo "pair $i: pigz $p s, recount $r s ($((m / 1024)) MB peak${rate:+; $rate}), ratio $ratio"
done
# The median of an even count is the mean of the middle two.
printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END{m = NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "median ratio %.2f\n", m}'
