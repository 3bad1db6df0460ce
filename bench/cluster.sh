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
#   one1   tcplens summary --json --threads 1 FILES           (one analyser: one core's cost)
#   w1     python3 -m tcplens.dask summary --workers 1 --stats FILES
#   w2     python3 -m tcplens.dask summary --workers 2 --stats FILES
# checks that every run wrote one's bytes, and prints per run: wall seconds, CPU seconds (user +
# system, with the cluster's workers: /usr/bin/time counts waited-for children), peak RSS of
# the process (the client's for the cluster runs; each worker's apart), and for the cluster
# runs the start, map, reduce and merge wall seconds on the client, task seconds (map, reduce,
# transfer), bytes dealt into buckets and bytes that crossed between workers. Medians over
# ROUNDS (default 3) at the end.
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
stats_of() {  # STATS-LINE KEY...: the keys' numbers from the --stats dict, one a line (a dict of
  # workers: its largest)
  "$python" -c 'import sys
d = eval(sys.argv[1].split(":", 1)[1], {})
for key in sys.argv[2:]:
    v = d
    for p in key.split("."): v = v[p]
    print(max(v.values()) if isinstance(v, dict) else v)' "$@"
}

declare -A wall cpu rss
keys=(cluster_start_s map_s reduce_s merge_s task_s.map task_s.reduce task_s.transfer
  bytes_shuffled bytes_between_workers worker_peak_rss client_peak_rss)
declare -A stat
timed() {  # RUN OUT CMD...: runs CMD >OUT, notes its wall, CPU seconds and peak RSS (KB, also
  # left in peak_kb)
  local run=$1 dst=$2 w u s c
  shift 2
  /usr/bin/time -f '%e %U %S %M' -o "$out/time" "$@" >"$dst"
  read -r w u s peak_kb <"$out/time"
  c=$(awk -v u="$u" -v s="$s" 'BEGIN{print u + s}')
  wall[$run]+="$w " cpu[$run]+="$c " rss[$run]+="$peak_kb "
  printf 'round %d  %-4s %6.2f s wall %6.2f s CPU' "$r" "$run" "$w" "$c"
}
for ((r = 1; r <= rounds; r++)); do
  timed one "$out/one.json" "$tcplens" summary --json -q "${files[@]}"
  printf '  %5d MB peak\n' $((peak_kb / 1024))
  timed one1 "$out/one1.json" "$tcplens" summary --json -q --threads 1 "${files[@]}"
  printf '  %5d MB peak\n' $((peak_kb / 1024))
  cmp -s "$out/one.json" "$out/one1.json" ||
    { echo "cluster.sh: --threads 1 wrote other bytes than the default" >&2; exit 1; }
  for n in 1 2; do
    timed "w$n" "$out/w$n.json" "$python" -m tcplens.dask summary --workers "$n" --stats \
      "${files[@]}" 2>"$out/w$n.err"
    cmp -s "$out/one.json" "$out/w$n.json" ||
      { echo "cluster.sh: --workers $n wrote other bytes than one machine" >&2; exit 1; }
    line=$(grep '^tcplens.dask:' "$out/w$n.err")
    mapfile -t values < <(stats_of "$line" "${keys[@]}")
    for i in "${!keys[@]}"; do stat[w$n.${keys[$i]}]+="${values[$i]} "; done
    printf '  %s\n' "${line#tcplens.dask: }"
  done
done

echo
echo "medians over $rounds rounds ($mb MiB, ${#files[@]} files):"
printf '%-4s %8s %8s %8s %8s' run wall_s cpu_s MiB/s peak_MB
for k in "${keys[@]}"; do printf ' %s' "$k"; done
echo
for run in one one1 w1 w2; do
  # shellcheck disable=SC2086
  w=$(median ${wall[$run]})
  # shellcheck disable=SC2086
  printf '%-4s %8s %8s %8.0f %8d' "$run" "$w" "$(median ${cpu[$run]})" \
    "$(awk -v m="$mb" -v w="$w" 'BEGIN{print m / w}')" $(($(median ${rss[$run]}) / 1024))
  if [ "${run#w}" != "$run" ]; then
    # shellcheck disable=SC2086
    for k in "${keys[@]}"; do printf ' %s' "$(median ${stat[$run.$k]})"; done
  fi
  echo
done
echo "(peak_MB of w1/w2: /usr/bin/time's figure, which includes the local cluster's workers;"
echo " client_peak_rss and worker_peak_rss are each process's own, in bytes)"
