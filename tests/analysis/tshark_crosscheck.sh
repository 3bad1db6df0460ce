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
  "$(dirname "$0")/../support/tshark_fields.sh" "$pcap" >"$dir/$name.ref.tsv"
  "$tcplens" frames --quiet "$pcap" >"$dir/$name.ours.tsv"
  echo "== $name"
  python3 "$compare" "$dir/$name.ref.tsv" "$dir/$name.ours.tsv" || status=1
done
exit $status
