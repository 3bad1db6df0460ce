#!/bin/bash
# The API example against the command line on the same capture: its records are the lines of
# `tcplens summary --json` (without the account line), its per-stream counts those of the rows
# of `tcplens frames` (counted here with awk: column 3 tcp.stream, 8 tcp.analysis.retransmission).
set -euo pipefail
example=$1 tcplens=$2 capture=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$example" "$capture" >"$tmp/api.txt"
"$tcplens" summary --json -q "$capture" | grep -v '^{"account"' >"$tmp/cli.txt"
"$tcplens" frames -q "$capture" | awk -F'\t' 'NR > 1 { n[$3]++; if ($8 != "") r[$3]++ }
  END { for (s in n) printf "stream %d: %d frames, %d retransmissions\n", s, n[s], r[s] }' |
  sort -t' ' -k2,2n >>"$tmp/cli.txt"
records=$(grep -c '^{' "$tmp/cli.txt")
streams=$(grep -c '^stream ' "$tmp/cli.txt")
[ "$records" -gt 0 ] && [ "$streams" -gt 0 ] || { echo "nothing to compare"; exit 1; }
diff "$tmp/cli.txt" "$tmp/api.txt"
# A damaged input: an error naming the file and the offset, exit status 1, no crash.
head -c 3000 "$capture" >"$tmp/cut.pcap"
if "$example" "$tmp/cut.pcap" >/dev/null 2>"$tmp/err.txt"; then
  echo "a truncated capture was read without an error"; exit 1
fi
grep -q "cut.pcap: .*(at byte offset [0-9]*)" "$tmp/err.txt" || { cat "$tmp/err.txt"; exit 1; }
echo "api_example agrees with the CLI: $records records, $streams streams"
