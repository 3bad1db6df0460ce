#!/bin/bash
# tshark_crosscheck.sh DUMP_SCENARIOS TCPLENS COMPARE.py — writes the hand-built scenarios as
# pcaps, analyses each with tshark and with tcplens, and requires 100 % agreement.
set -euo pipefail
dump=$1 tcplens=$2 compare=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$dump" "$dir"
status=0
for pcap in "$dir"/*.pcap; do
  name=$(basename "$pcap" .pcap)
  tshark -n -r "$pcap" -Y tcp -T fields -E header=y -E separator=/t \
    -e frame.number -e frame.time_epoch -e tcp.stream -e tcp.flags.str -e tcp.seq -e tcp.ack -e tcp.len \
    -e tcp.analysis.retransmission -e tcp.analysis.fast_retransmission -e tcp.analysis.spurious_retransmission \
    -e tcp.analysis.out_of_order -e tcp.analysis.lost_segment -e tcp.analysis.ack_lost_segment \
    -e tcp.analysis.duplicate_ack -e tcp.analysis.zero_window -e tcp.analysis.zero_window_probe \
    -e tcp.analysis.zero_window_probe_ack -e tcp.analysis.window_full -e tcp.analysis.window_update \
    -e tcp.analysis.keep_alive -e tcp.analysis.keep_alive_ack -e tcp.analysis.rto -e tcp.analysis.ack_rtt \
    >"$dir/$name.ref.tsv" 2>/dev/null
  "$tcplens" frames --quiet "$pcap" >"$dir/$name.ours.tsv"
  echo "== $name"
  python3 "$compare" "$dir/$name.ref.tsv" "$dir/$name.ours.tsv" || status=1
done
exit $status
