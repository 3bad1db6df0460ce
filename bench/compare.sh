#!/bin/bash
# compare.sh [OUTDIR] — tcplens against tshark, tcpdump, cat and tcptrace on one capture, page
# cache warm, one table. OUTDIR is where make_captures.sh wrote (default /tmp/tcplens-bench).
#
#   FILE=name       capture in OUTDIR (default bulk.pcap); an absolute path also works
#   TCPLENS=path    the binary (default: build/tcplens of this repository)
#   RUNS=n          runs per tool, the fastest is kept (default 3; tshark: TSHARK_RUNS, default 1)
#   TSHARK_LIMIT=n  tshark reads only the first n frames when the file has more (default
#                   100000: tshark does ~3 000-10 000 frames/s here); its seconds are then scaled
#                   to the whole file (time per frame x frames), its RSS is the prefix run's, and
#                   the row says so
#
# Each run: wall seconds from date +%s%N around it, peak RSS from `/usr/bin/time -f %M`. MB/s = file bytes / seconds
# (10^6 bytes), frames/s = frames / seconds. "x tshark" and "x tcpdump" are throughput ratios:
# how many times the frames/s of that row is the reference's (2.0 = twice as fast). "-e all":
# every field of tests/conformance/tcp_fields.txt, tcplens against the "tshark -e all" row.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
outdir=${1:-/tmp/tcplens-bench}
file=${FILE:-bulk.pcap}
[[ $file == /* ]] || file=$outdir/$file
tcplens=${TCPLENS:-$here/../build/tcplens}
runs=${RUNS:-3}
tshark_runs=${TSHARK_RUNS:-1}
tshark_limit=${TSHARK_LIMIT:-100000}
[[ -r $file ]] || { echo "compare.sh: no $file (run bench/make_captures.sh $outdir)" >&2; exit 1; }
[[ -x $tcplens ]] || { echo "compare.sh: no $tcplens (build first, or set TCPLENS)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bytes=$(stat -c %s "$file")
frames=$(capinfos -c -M "$file" 2>/dev/null | awk -F: '/Number of packets/{gsub(/ /,"",$2); print $2}')
tshark_fields=(-e frame.number -e frame.time_epoch -e tcp.stream -e tcp.flags.str -e tcp.seq
  -e tcp.ack -e tcp.len -e tcp.analysis.retransmission -e tcp.analysis.fast_retransmission
  -e tcp.analysis.spurious_retransmission -e tcp.analysis.out_of_order
  -e tcp.analysis.lost_segment -e tcp.analysis.ack_lost_segment -e tcp.analysis.duplicate_ack
  -e tcp.analysis.zero_window -e tcp.analysis.zero_window_probe
  -e tcp.analysis.zero_window_probe_ack -e tcp.analysis.window_full
  -e tcp.analysis.window_update -e tcp.analysis.keep_alive -e tcp.analysis.keep_alive_ack
  -e tcp.analysis.rto -e tcp.analysis.ack_rtt)

# tshark on a prefix when the file is too long for it.
tshark_file=$file
tshark_frames=$frames
if ((frames > tshark_limit)); then
  tshark_file=$tmp/tshark-prefix.pcap
  editcap -r "$file" "$tshark_file" "1-$tshark_limit"
  tshark_frames=$tshark_limit
fi

echo "# $(date -u +%FT%TZ)  $(nproc) CPUs  load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# file: $file  ($bytes bytes, $frames frames)"
echo "# tcplens: $tcplens"
cat "$file" "$tshark_file" >/dev/null  # warm the page cache

# best_of N CMD... : prints "seconds peak_rss_kB" of the fastest of N runs; stdout discarded.
# Wall time from the clock in nanoseconds around the run (GNU time's %e has only hundredths);
# peak RSS from GNU time's %M.
best_of() {
  local n=$1 i best="" line t0 t1
  shift
  for ((i = 0; i < n; i++)); do
    t0=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || {
      echo "compare.sh: failed: $*" >&2; cat "$tmp/err" >&2; return 1; }
    t1=$(date +%s%N)
    line="$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b - a) / 1e9}') $(tail -1 "$tmp/time")"
    if [[ -z $best ]] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN{exit !(a < b)}'; then
      best=$line
    fi
  done
  echo "$best"
}

declare -A secs rss note
tools=()
measure() {  # NAME RUNS CMD...
  local name=$1 n=$2 r
  shift 2
  r=$(best_of "$n" "$@")
  secs[$name]=${r%% *}
  rss[$name]=${r##* }
  tools+=("$name")
  echo "#   $name: $* -> best of $n: ${r%% *} s, ${r##* } kB" >&2
}

measure cat "$runs" cat "$file"
measure "tcpdump -nn" "$runs" tcpdump -nn -r "$file"
# -S: absolute sequence numbers, no relative-sequence table (print-tcp.c's 919-bucket hash).
measure "tcpdump -nn -S" "$runs" tcpdump -nn -S -r "$file"
measure "tcplens frames" "$runs" "$tcplens" frames --quiet "$file"
# One analyser, and one analyser on one core: what --threads (default: all cores) adds.
measure "tcplens frames -t1" "$runs" "$tcplens" frames --quiet --threads 1 "$file"
measure "tcplens frames -t1 1cpu" "$runs" taskset -c 0 "$tcplens" frames --quiet --threads 1 "$file"
measure "tcplens frames json" "$runs" "$tcplens" frames --quiet --format json "$file"
# Every field `frames -e` knows (tests/conformance/tcp_fields.txt), as tshark -T fields writes them.
all_fields=()
while read -r f; do all_fields+=(-e "$f"); done <"$here/../tests/conformance/tcp_fields.txt"
measure "tcplens frames -e all" "$runs" "$tcplens" frames --quiet -E header=y "${all_fields[@]}" "$file"
measure "tcplens -e all -t1" "$runs" "$tcplens" frames --quiet --threads 1 -E header=y \
  "${all_fields[@]}" "$file"
# tshark as ../shared/lab/record.sh runs it (default preferences), then with TCP reassembly off:
# the lab's port 8080 makes tshark reassemble the bulk uploads as HTTP, which is most of its
# time; the 23 columns come out byte for byte the same either way.
tshark_row() {  # NAME FIELDS-VARIABLE EXTRA-OPTIONS...
  local name=$1
  local -n fields=$2
  shift 2
  measure "$name" "$tshark_runs" tshark -n -r "$tshark_file" "$@" -Y tcp -T fields \
    -E header=y -E separator=/t "${fields[@]}"
  if ((tshark_frames != frames)); then
    # scale: the prefix's time per frame, times every frame of the file
    secs[$name]=$(awk -v s="${secs[$name]}" -v p="$tshark_frames" -v f="$frames" \
      'BEGIN{printf "%.3f", s * f / p}')
    note[$name]="scaled x$frames/$tshark_frames: ran on the first $tshark_frames frames"
  fi
}
tshark_row "tshark 23 fields" tshark_fields
tshark_row "tshark, no reassembly" tshark_fields -o tcp.desegment_tcp_streams:FALSE
tshark_row "tshark -e all" all_fields
if command -v tcptrace >/dev/null; then
  # -n: tcptrace resolves host names by default (a DNS query per address: minutes on many.pcap)
  measure "tcptrace -n -l" "$runs" tcptrace -n -l "$file"
else
  note["tcptrace -n -l"]="n/a (not installed)"
fi
if "$tcplens" summary --help >/dev/null 2>&1; then
  measure "tcplens summary --json" "$runs" "$tcplens" summary --quiet --json "$file"
else
  note["tcplens summary --json"]="n/a (no summary command in this build)"
fi

echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
ts=${secs["tshark 23 fields"]}
td=${secs["tcpdump -nn"]}
printf '| %-22s | %8s | %8s | %10s | %12s | %8s | %9s |\n' tool seconds MB/s frames/s \
  "peak RSS MB" "x tshark" "x tcpdump"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' ------------------------ ---------: ---------: \
  -----------: -------------: ---------: ----------:
for t in "${tools[@]}"; do
  awk -v t="$t" -v s="${secs[$t]}" -v k="${rss[$t]}" -v b="$bytes" -v f="$frames" -v ts="$ts" \
    -v td="$td" -v n="${note[$t]:-}" 'BEGIN{
      printf "| %-22s | %8.3f | %8.0f | %10.0f | %12.1f | %8.2f | %9.2f |%s\n", t, s, b/s/1e6,
        f/s, k/1024, ts/s, td/s, (n == "" ? "" : " " n)
    }'
done
for t in "tcptrace -n -l" "tcplens summary --json"; do
  if [[ -z ${secs[$t]:-} && -n ${note[$t]:-} ]]; then printf '| %-22s | %s |\n' "$t" "${note[$t]}"; fi
done
awk -v a="${secs["tshark -e all"]}" -v b="${secs["tcplens frames -e all"]}" \
  -v c="${secs["tcplens -e all -t1"]}" 'BEGIN{
    printf "# every field (-e all): tcplens %.0f x tshark (one analyser: %.0f x)\n", a/b, a/c }'
