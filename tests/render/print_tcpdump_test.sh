#!/bin/bash
# print_tcpdump_test.sh TCPLENS CAPTURE [GENERATOR] — `tcplens print` says what tcpdump says, line by line:
# every line of `TZ=UTC tcplens print CAPTURE` equals the line of `TZ=UTC tcpdump -nn -r CAPTURE
# tcp` for the same frame, up to and including its "length N". The comparison, documented in
# docs/print.md:
# - tcplens's verdicts (" [TCP …]" at the end of its line) are removed; nothing else may follow
#   "length N";
# - tcpdump's line is cut after its first ", length N" (what follows is its application-layer
#   decoding), and lines that do not start with a time (continuation lines of those decoders)
#   are dropped;
# - on Ethernet the filter is `tcp or (vlan and tcp)` (tcpdump's `tcp` does not look inside a
#   VLAN tag); on Linux cooked v2 (SLL2) tcpdump's "IFNAME DIR " prefix is removed (it names the
#   interface with the index as the *reading* host numbers its own interfaces);
# - a pcapng that libpcap refuses (interfaces with different snapshot lengths) is handed to
#   tcpdump as a pcap written by pcapng_to_pcap.py; tcplens reads the original.
# With GENERATOR (a Python script), CAPTURE is first written by it (hand-built frames).
set -uo pipefail
tcplens=$1 capture=$2 generator=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export TZ=UTC
if [ -n "$generator" ]; then
  capture=$dir/$(basename "$capture")
  python3 "$generator" "$capture" || exit 1
fi

for_tcpdump=$capture
if ! tcpdump -r "$capture" -c 1 >/dev/null 2>"$dir/err"; then
  python3 "$here/pcapng_to_pcap.py" "$capture" "$dir/as.pcap" || exit 1
  for_tcpdump=$dir/as.pcap
fi
link=$(tcpdump -r "$for_tcpdump" -c 1 2>&1 >/dev/null | sed -nE 's/.*link-type ([^ ]+) .*/\1/p')
filter=tcp
[ "$link" = EN10MB ] && filter='tcp or (vlan and tcp)'
tcpdump -nn -r "$for_tcpdump" "$filter" 2>/dev/null |
  grep -E '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} ' |
  sed -E 's/(, length [0-9]+).*/\1/' >"$dir/tcpdump"
if [ "$link" = LINUX_SLL2 ]; then
  sed -i -E 's/^([0-9:.]+) [^ ]+ +(In|Out|B|M|P|\?) +/\1 /' "$dir/tcpdump"
fi
"$tcplens" print -q "$capture" | sed -E 's/ \[TCP [^]]*\]$//' >"$dir/tcplens"

want=$(wc -l <"$dir/tcpdump") got=$(wc -l <"$dir/tcplens")
equal=$(paste -d '\n' "$dir/tcpdump" "$dir/tcplens" | paste -d '\t' - - | awk -F '\t' '$1 == $2' | wc -l)
echo "$(basename "$capture"): $equal of $want tcpdump lines equal ($got tcplens lines)"
if [ "$want" -eq 0 ] || [ "$equal" -ne "$want" ] || [ "$got" -ne "$want" ]; then
  diff "$dir/tcpdump" "$dir/tcplens" | head -20
  exit 1
fi
