#!/bin/bash
# threads.sh FILE [ROUNDS] — how `tcplens frames --threads` (or COMMAND's) scales, measured so that a noisy host
# does not decide it: each round times, back to back on the same file (page cache warm),
#
#   1cpu   taskset -c 0 tcplens frames -q --threads 1   (the whole tool on one core)
#   t1     tcplens frames -q --threads 1                (one analyser; a mapped file over 64 MiB
#                                                        also has its page-warming thread)
#   tN     tcplens frames -q --threads N                (N = THREADS, default 2)
#   pair   two 1cpu runs at once, one pinned to core 0 and one to core 1 (twice the work)
#
# and the ratios of that round (1cpu/tN, t1/tN, and 2*1cpu/pair: what two cores give two runs that
# share nothing, the most any --threads 2 could reach on this host); it prints the median of each
# time and of each ratio over the rounds (default 10), and checks that tN wrote the same bytes as t1.
#
#   TCPLENS=path   the binary (default: build/tcplens of this repository)
#   THREADS=n      analysers for the tN runs (default 2)
#   COMMAND="..."  the command and its flags (default "frames"; e.g. "summary --json")
set -euo pipefail
file=${1:?usage: threads.sh FILE [ROUNDS]}
rounds=${2:-10}
here=$(cd "$(dirname "$0")" && pwd)
tcplens=${TCPLENS:-$here/../build/tcplens}
threads=${THREADS:-2}
read -r -a cmd <<<"${COMMAND:-frames}"

ms() {  # CMD...: wall milliseconds of one run, output discarded
  local start
  start=$(date +%s%N)
  "$@" >/dev/null
  echo $((($(date +%s%N) - start) / 1000000))
}
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

cmp -s <("$tcplens" "${cmd[@]}" -q --threads 1 "$file") <("$tcplens" "${cmd[@]}" -q --threads "$threads" "$file") ||
  { echo "threads.sh: --threads $threads wrote other bytes than --threads 1" >&2; exit 1; }
pair() {  # wall milliseconds of two single-core runs side by side, on cores 0 and 1
  local start
  start=$(date +%s%N)
  taskset -c 0 "$tcplens" "${cmd[@]}" -q --threads 1 "$file" >/dev/null &
  taskset -c 1 "$tcplens" "${cmd[@]}" -q --threads 1 "$file" >/dev/null
  wait
  echo $((($(date +%s%N) - start) / 1000000))
}
ratio() { awk -v x="$1" -v y="$2" 'BEGIN {printf "%.3f", x / y}'; }

one=() single=() many=() both=() r_one=() r_single=() r_pair=()
for ((i = 0; i < rounds; i++)); do
  a=$(ms taskset -c 0 "$tcplens" "${cmd[@]}" -q --threads 1 "$file")
  b=$(ms "$tcplens" "${cmd[@]}" -q --threads 1 "$file")
  c=$(ms "$tcplens" "${cmd[@]}" -q --threads "$threads" "$file")
  d=$(pair)
  one+=("$a") single+=("$b") many+=("$c") both+=("$d")
  r_one+=("$(ratio "$a" "$c")") r_single+=("$(ratio "$b" "$c")") r_pair+=("$(ratio $((2 * a)) "$d")")
done
printf '%s, %d rounds, medians: 1cpu %d ms, t1 %d ms, t%d %d ms, pair %d ms; ' \
  "$(basename "$file")" "$rounds" "$(median "${one[@]}")" "$(median "${single[@]}")" "$threads" \
  "$(median "${many[@]}")" "$(median "${both[@]}")"
printf 'ratio 1cpu/t%d %s, t1/t%d %s, 2*1cpu/pair %s\n' "$threads" "$(median "${r_one[@]}")" \
  "$threads" "$(median "${r_single[@]}")" "$(median "${r_pair[@]}")"
