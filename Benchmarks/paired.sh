#!/usr/bin/env bash
# Paired timing on a noisy machine: alternates `pigz -dc FILES` and a recount command N times
# and prints each pair's wall times, recount's rows/s and MB/s (from its summary line) and the
# ratio, then the median ratio. Drift in the machine's speed (shared VMs) hits both halves of a
# pair alike, so the ratio is steadier than either time.
# Usage: Benchmarks/paired.sh N 'FILES…' recount-args…
set -euo pipefail
n=$1; files=$2; shift 2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ratios=()
for i in $(seq "$n"); do
    /usr/bin/time -f "%e" -o /tmp/paired.p sh -c "pigz -dc $files > /dev/null"
    /usr/bin/time -f "%e %M" -o /tmp/paired.r "$ROOT/.build/release/recount" "$@" > /tmp/paired.out
    p=$(cat /tmp/paired.p); read -r r m < /tmp/paired.r
    ratio=$(awk -v r="$r" -v p="$p" 'BEGIN{printf "%.2f", r/p}')
    ratios+=("$ratio")
    # recount's own throughput, from its summary line (rows/s and MB/s of decompressed input).
    rate=$(grep -oE '[0-9]+ rows/s, [0-9.]+ MB/s' /tmp/paired.out | tail -1 || true)
    echo "pair $i: pigz $p s, recount $r s ($((m / 1024)) MB peak${rate:+; $rate}), ratio $ratio"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END{print "median ratio " a[int((NR+1)/2)]}'
