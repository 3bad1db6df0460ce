#!/bin/bash
# threads.sh FILE [ROUNDS] — how `tcplens frames --threads` scales, measured so that a noisy host
# does not decide it: each round times, back to back on the same file (page cache warm),
#
#   1cpu   taskset -c 0 tcplens frames -q --threads 1   (the whole tool on one core)
#   t1     tcplens frames -q --threads 1                (one analyser; a mapped file over 64 MiB
#                                                        also has its page-warming thread)
#   tN     tcplens frames -q --threads N                (N = THREADS, default 2)
#
# and the ratios of that round (1cpu/tN, t1/tN); it prints the median of each time and of each
# ratio over the rounds (default 10), and checks that tN wrote the same bytes as t1.
#
#   TCPLENS=path   the binary (default: build/tcplens of this repository)
#   THREADS=n      analysers for the tN runs (default 2)
set -euo pipefail
file=${1:?usage: threads.sh FILE [ROUNDS]}
rounds=${2:-10}
here=$(cd "$(dirname "$0")" && pwd)
tcplens=${TCPLENS:-$here/../build/tcplens}
threads=${THREADS:-2}

ms() {  # CMD...: wall milliseconds of one run, output discarded
  local start
  start=$(date +%s%N)
  "$@" >/dev/null
  echo $((($(date +%s%N) - start) / 1000000))
}
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

cmp -s <("$tcplens" frames -q --threads 1 "$file") <("$tcplens" frames -q --threads "$threads" "$file") ||
  { echo "threads.sh: --threads $threads wrote other bytes than --threads 1" >&2; exit 1; }
one=() single=() many=() r_one=() r_single=()
for ((i = 0; i < rounds; i++)); do
  a=$(ms taskset -c 0 "$tcplens" frames -q --threads 1 "$file")
  b=$(ms "$tcplens" frames -q --threads 1 "$file")
  c=$(ms "$tcplens" frames -q --threads "$threads" "$file")
  one+=("$a") single+=("$b") many+=("$c")
  r_one+=("$(awk -v x="$a" -v y="$c" 'BEGIN {printf "%.3f", x / y}')")
  r_single+=("$(awk -v x="$b" -v y="$c" 'BEGIN {printf "%.3f", x / y}')")
done
printf '%s, %d rounds, medians: 1cpu %d ms, t1 %d ms, t%d %d ms; ratio 1cpu/t%d %s, t1/t%d %s\n' \
  "$(basename "$file")" "$rounds" "$(median "${one[@]}")" "$(median "${single[@]}")" "$threads" \
  "$(median "${many[@]}")" "$threads" "$(median "${r_one[@]}")" "$threads" "$(median "${r_single[@]}")"
