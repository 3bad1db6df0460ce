#!/bin/bash
# record_wire.sh OUTDIR SCENARIO...  — runs each wire scenario of scenarios.py
# (the WIRE table): two network namespaces joined by shared/lab/wire.py (TUN
# wa = 10.9.0.1 in A, wb = 10.9.0.2 in B; delay, loss, drops, CE marks on
# A->B), tcpdump --immediate-mode -s 2000 on wa and/or wb (raw IPv4), and
# writes OUTDIR/CAPTURE.pcap, CAPTURE.truth.json and CAPTURE.tshark.tsv for
# each capture point (lossboth writes lossboth_snd and lossboth_rcv from one
# run).  Fails if tcpdump dropped a packet.  Needs root, tcpdump, tshark,
# iproute2, python3; wire.py from $TCPLENS_SHARED_DIR (default ../../../shared
# beside this script, else /work/shared).
set -eu
if [ $# -lt 2 ]; then
  echo "usage: $0 OUTDIR SCENARIO..." >&2; exit 2
fi
out=$1; shift
for tool in tcpdump tshark ip python3; do
  command -v $tool >/dev/null || { echo "record_wire.sh: $tool is missing" >&2; exit 1; }
done
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
for name in "$@"; do
  caps=$(/usr/bin/python3 "$here/scenarios.py" --wire "$out" "$name")
  for cap in $caps; do
    "$here/../support/tshark_fields.sh" "$out/$cap.pcap" >"$out/$cap.tshark.tsv"
    echo "$cap: $(tcpdump -r "$out/$cap.pcap" 2>/dev/null | wc -l) packets; $(cat "$out/$cap.truth.json")"
  done
done
