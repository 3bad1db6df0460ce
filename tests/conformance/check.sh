#!/bin/bash
# check.sh TCPLENS CAPTURE REFERENCE.tsv COMPARE.py — runs `tcplens frames` on the capture and
# requires compare.py to report every frame agreeing with tshark's reference.
set -euo pipefail
tcplens=$1 capture=$2 ref=$3 compare=$4
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$tcplens" frames --quiet "$capture" >"$out"
python3 "$compare" "$ref" "$out" --show 20
