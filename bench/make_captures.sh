#!/bin/bash
# make_captures.sh OUTDIR — builds the large benchmark captures; nothing here is committed.
#
#   OUTDIR/bulk.pcap      COPIES (15) time-shifted copies of the lab's bulkloss.pcap (3 MB upload,
#                         3 % loss), each with its client port moved (shift_ports.py) so that each
#                         copy is its own TCP connection; joined with editcap -t and mergecap -a.
#                         ≈ 54 MB, 55 815 frames, 15 streams.
#   OUTDIR/bulk10.pcap    10 copies of bulk.pcap, shifted the same way: ≈ 545 MB, 150 streams
#                         (the memory-scaling check: 10x the input, same kind of traffic).
#   OUTDIR/bulkmix.pcap   MIX (150) copies of bulkloss.pcap started 5 ms apart and merged by time
#                         (mergecap without -a): about six transfers at once, their frames
#                         interleaved as on a busy link; ≈ 545 MB, 150 streams (bulk10's data).
#   OUTDIR/many.pcap      gen_many.py: CONNS (250 000) short connections, 8 frames each
#                         (handshake, request, response, FIN close), each its own 4-tuple.
#
# Environment: BULK_SRC (default ../shared/lab/captures/bulkloss.pcap), COPIES, MIX, CONNS.
# Needs editcap, mergecap (wireshark-common) and python3. Deterministic: the same inputs give
# the same files.
set -euo pipefail
out=${1:?usage: make_captures.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
src=${BULK_SRC:-$here/../../shared/lab/captures/bulkloss.pcap}
copies=${COPIES:-15}
conns=${CONNS:-250000}
mix=${MIX:-150}
mkdir -p "$out"
tmp=$(mktemp -d "$out/.make_captures.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Copies of IN, copy k with ephemeral ports moved by k*STEP and times moved by k*SHIFT seconds,
# joined by JOIN: "append" concatenates them in order (mergecap -a: no re-sorting, the copies
# follow one another), "time" merges their frames by timestamp (copies that overlap interleave).
replicate() {  # IN OUT N STEP SHIFT JOIN
  local in=$1 dst=$2 n=$3 step=$4 shift_s=$5 join=$6 k parts=() how=()
  [ "$join" = append ] && how=(-a)
  for ((k = 0; k < n; k++)); do
    python3 "$here/shift_ports.py" "$in" "$tmp/p$k.pcap" $((k * step))
    editcap -F pcap -t "$(awk -v k="$k" -v s="$shift_s" 'BEGIN{printf "%.6f", k*s}')" \
      "$tmp/p$k.pcap" "$tmp/c$k.pcap"
    rm "$tmp/p$k.pcap"
    parts+=("$tmp/c$k.pcap")
  done
  mergecap -F pcap "${how[@]}" -w "$dst" "${parts[@]}"
  rm -f "${parts[@]}"
}

# bulkloss.pcap lasts 0.03 s: a copy every 0.1 s keeps the copies apart in time.
replicate "$src" "$out/bulk.pcap" "$copies" 1 0.1 append
# 10x: bulk.pcap lasts copies*0.1 s; its copies use port offsets past the first 15.
replicate "$out/bulk.pcap" "$out/bulk10.pcap" 10 "$copies" "$(awk -v c="$copies" 'BEGIN{print c*0.1+1}')" append
# Interleaved: copy k starts k*5 ms in, the copies overlap (each lasts ~30 ms).
replicate "$src" "$out/bulkmix.pcap" "$mix" 1 0.005 time
python3 "$here/gen_many.py" "$out/many.pcap" "$conns"

for f in bulk bulk10 bulkmix many; do
  printf '%-12s %6d MB  %9s frames\n' "$f.pcap" $(( $(stat -c %s "$out/$f.pcap") / 1000000 )) \
    "$(capinfos -c -M "$out/$f.pcap" | awk -F: '/Number of packets/{gsub(/ /,"",$2); print $2}')"
done
