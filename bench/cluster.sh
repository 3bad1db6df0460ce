#!/bin/bash
# cluster.sh OUTDIR [ROUNDS] — one machine's `tcplens summary --json` against
# `python3 -m tcplens.dask summary` on a local Dask cluster of 1 and of 2 workers, on a generated
# rotated "day" of about 2 GB (issue 19; figures in docs/performance.md, model in docs/scale.md).
#
# The day (OUTDIR/day/, built once, reused; nothing here is committed):
#   - CONNS (250 000) short connections from gen_many.py (8 frames each, 64 at a time),
#     ≈ 180 MB over 20 s of capture time;
#   - BULK (500) copies of the lab's bulkloss.pcap (3 MB upload at 3 % loss, 3 721 frames, 30 ms),
#     each its own connection (ports moved by shift_ports.py), one every 40 ms across the same
#     20 s: ≈ 1.8 GB;
#   merged by time and rotated every ROTATE_S (1) second of capture time, as `tcpdump -G`
#   would (editcap -i): about 20 files of 100 MB, with connections that span files.
#
# Each round runs, back to back, with the page cache warm:
#   one    tcplens summary --json FILES                       (the default analysers)
#   w1     python3 -m tcplens.dask summary --workers 1 --stats FILES
#   w2     python3 -m tcplens.dask summary --workers 2 --stats FILES
# checks that w1 and w2 wrote one's bytes, and prints per run: wall seconds and peak RSS
# (/usr/bin/time; for the cluster runs the client's), the cluster's start, map, reduce and merge
# wall seconds, task seconds (map, reduce, transfer), bytes dealt into buckets and bytes that
# crossed between workers, each worker's peak RSS. Medians over ROUNDS (default 3) at the end.
#
#   TCPLENS=path   the binary (default: build/tcplens of this repository); its python/ folder
#                  next to it is the module (PYTHONPATH)
#   PYTHON=path    the interpreter with Debian's python3-distributed (default /usr/bin/python3)
set -euo pipefail
out=${1:?usage: cluster.sh OUTDIR [ROUNDS]}
rounds=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
tcplens=${TCPLENS:-$here/../build/tcplens}
python=${PYTHON:-/usr/bin/python3}
export PYTHONPATH
PYTHONPATH=$(cd "$(dirname "$tcplens")" && pwd)/python
src=${BULK_SRC:-$here/../../shared/lab/captures/bulkloss.pcap}
conns=${CONNS:-250000}
bulk=${BULK:-500}
rotate_s=${ROTATE_S:-1}
day=$out/day

make_day() {
  local tmp k start parts=()
  mkdir -p "$out"
  tmp=$(mktemp -d "$out/.cluster.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" EXIT
  "$python" "$here/gen_many.py" "$tmp/many.pcap" "$conns"
  # gen_many's day starts at 2026-01-01 00:00:00 UTC; bulk copy k at +k*40 ms.
  start=$(capinfos -a -T -r -S "$src" | awk -F'\t' '{print $NF}')
  for ((k = 0; k < bulk; k++)); do
    "$python" "$here/shift_ports.py" "$src" "$tmp/p.pcap" "$k"
    editcap -F pcap -t "$(awk -v k="$k" -v s="$start" 'BEGIN{printf "%.6f", 1767225600 + k*0.04 - s}')" \
      "$tmp/p.pcap" "$tmp/b$k.pcap"
    parts+=("$tmp/b$k.pcap")
  done
  rm -f "$tmp/p.pcap"
  mergecap -F pcap -a -w "$tmp/bulk.pcap" "${parts[@]}"
  rm -f "${parts[@]}"
  mergecap -F pcap -w "$tmp/all.pcap" "$tmp/many.pcap" "$tmp/bulk.pcap"
  rm -f "$tmp/many.pcap" "$tmp/bulk.pcap"
  mkdir "$tmp/day"
  editcap -F pcap -i "$rotate_s" "$tmp/all.pcap" "$tmp/day/tcp.pcap"
  rm -f "$tmp/all.pcap"
  mv "$tmp/day" "$day"
}
[ -d "$day" ] || make_day
mapfile -t files < <(find "$day" -name '*.pcap' | sort)
mb=$(du -cm "${files[@]}" | awk 'END{print $1}')
echo "day: ${#files[@]} files, $mb MiB ($day)"
[ "$rounds" -gt 0 ] || exit 0

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
stat_of() {  # KEY STATS-LINE: a number from the --stats dict
  "$python" -c 'import sys; d = eval(sys.argv[2].split(":", 1)[1], {}); k = sys.argv[1].split(".")
v = d
for p in k: v = v[p]
print(max(v.values()) if isinstance(v, dict) else v)' "$1" "$2"
}

declare -A wall rss
keys=(cluster_start_s map_s reduce_s merge_s task_s.map task_s.reduce task_s.transfer
  bytes_shuffled bytes_between_workers worker_peak_rss)
declare -A stat
for ((r = 1; r <= rounds; r++)); do
  /usr/bin/time -f '%e %M' -o "$out/time" "$tcplens" summary --json -q "${files[@]}" >"$out/one.json"
  read -r w m <"$out/time"
  wall[one]+="$w " rss[one]+="$m "
  printf 'round %d  one  %6.2f s  %5d MB peak\n' "$r" "$w" $((m / 1024))
  for n in 1 2; do
    /usr/bin/time -f '%e %M' -o "$out/time" "$python" -m tcplens.dask summary --workers "$n" \
      --stats "${files[@]}" >"$out/w$n.json" 2>"$out/w$n.err"
    cmp -s "$out/one.json" "$out/w$n.json" ||
      { echo "cluster.sh: --workers $n wrote other bytes than one machine" >&2; exit 1; }
    read -r w m <"$out/time"
    wall[w$n]+="$w " rss[w$n]+="$m "
    line=$(grep '^tcplens.dask:' "$out/w$n.err")
    for k in "${keys[@]}"; do stat[w$n.$k]+="$(stat_of "$k" "$line") "; done
    printf 'round %d  w%d   %6.2f s  %5d MB client peak  %s\n' "$r" "$n" "$w" $((m / 1024)) \
      "${line#tcplens.dask: }"
  done
done

echo
echo "medians over $rounds rounds ($mb MiB, ${#files[@]} files):"
printf '%-4s %8s %8s' run wall_s MiB/s
for k in "${keys[@]}"; do printf ' %s' "$k"; done
echo
for run in one w1 w2; do
  # shellcheck disable=SC2086
  w=$(median ${wall[$run]})
  printf '%-4s %8s %8.0f' "$run" "$w" "$(awk -v m="$mb" -v w="$w" 'BEGIN{print m / w}')"
  if [ "$run" != one ]; then
    # shellcheck disable=SC2086
    for k in "${keys[@]}"; do printf ' %s' "$(median ${stat[$run.$k]})"; done
  fi
  # shellcheck disable=SC2086
  printf '  (peak RSS %s MB)\n' $(($(median ${rss[$run]}) / 1024))
done
