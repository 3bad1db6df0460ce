#!/bin/bash
# fields_cut_check.sh TCPLENS CAPTURE SNAPLEN COMPARE.py — the capture cut to SNAPLEN bytes a frame
# (editcap -s), so that TCP headers lose their options or more: tcplens must still agree with
# tshark 4.0 on the 23 columns and on every field of `frames -e`.
set -euo pipefail
here=$(dirname "$0")
tcplens=$1 capture=$2 snaplen=$3 compare=$4
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
editcap -s "$snaplen" "$capture" "$dir/cut.pcap"
"$here/../support/tshark_fields.sh" "$dir/cut.pcap" >"$dir/ref.tsv"
"$here/check.sh" "$tcplens" "$dir/cut.pcap" "$dir/ref.tsv" "$compare"
"$here/fields_check.sh" "$tcplens" "$dir/cut.pcap"
