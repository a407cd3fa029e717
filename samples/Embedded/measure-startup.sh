#!/usr/bin/env bash
# Time from launch to first prediction of a published classifier, over several runs (median and minimum).
#   samples/Embedded/measure-startup.sh <executable> <image> [runs] [extra arguments...]
# The launcher's clock goes to the process in LAUNCH_UNIX_NS; the program prints the time since it at its first prediction.
set -euo pipefail
exe=$1; image=$2; runs=${3:-15}; shift $(( $# < 3 ? $# : 3 ))
times=()
for ((r = 0; r < runs; r++)); do
  line=$(LAUNCH_UNIX_NS=$(date +%s%N) "$exe" "$@" "$image" | grep -m1 'first prediction')
  times+=("$(sed -E 's/.*, ([0-9.]+) ms after launch/\1/' <<<"$line")")
done
printf '%s\n' "${times[@]}" | sort -g | awk -v exe="$exe" '{ t[NR] = $1 } END { printf "%s: %d runs, launch to first prediction: median %.1f ms, min %.1f ms, max %.1f ms\n", exe, NR, (NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2), t[1], t[NR] }'
