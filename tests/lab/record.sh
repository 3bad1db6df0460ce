#!/bin/bash
# record.sh OUTDIR SCENARIO...  — runs each scenario of scenarios.py (beside
# this script) in a private network namespace, captures its loopback with
# tcpdump, and writes OUTDIR/NAME.pcap, OUTDIR/NAME.truth.json and
# OUTDIR/NAME.tshark.tsv (tshark 4.0's TCP analysis of every TCP frame: the
# reference).  Same namespace setup and tshark columns as shared/lab/record.sh.
# Extra per-namespace setup a scenario needs (sysctls, a qdisc on lo, nft
# rules) is done by the scenario itself, inside the namespace.
# Needs root, tcpdump, tshark, nftables, iptables (reorder, gaploss use its
# NFQUEUE target), iproute2 (ip, tc), ethtool, python3.
set -eu
if [ $# -lt 2 ]; then
  echo "usage: $0 OUTDIR SCENARIO..." >&2; exit 2
fi
out=$1; shift
for tool in tcpdump tshark nft ip tc iptables python3; do
  command -v $tool >/dev/null || { echo "record.sh: $tool is missing (apt-get install -y iptables / tcpdump / tshark / nftables / iproute2)" >&2; exit 1; }
done
here=$(cd "$(dirname "$0")" && pwd)
# Scenarios that keep the new namespace's default lo (MTU 65536, TSO/GSO/GRO
# on) instead of MTU 1500 with segmentation offload off: their captures show
# GSO super-packets (frames much larger than the MSS), as a host capture on a
# NIC with TSO does.  Add names with LAB_KEEP_LO_DEFAULTS="name1 name2".
keep_lo_defaults="offload ${LAB_KEEP_LO_DEFAULTS:-}"
mkdir -p "$out"
for name in "$@"; do
  ns=lab-$name-$$
  ip netns add "$ns"
  ip netns exec "$ns" ip link set lo up
  # segments as a real NIC would carry them: 1500-byte MTU, no segmentation
  # offload -- except for the scenarios in $keep_lo_defaults (see above)
  case " $keep_lo_defaults " in
    *" $name "*) ;;
    *)
      ip netns exec "$ns" ip link set lo mtu 1500
      ip netns exec "$ns" ethtool -K lo tso off gso off gro off >/dev/null 2>&1 || true
      ;;
  esac
  ip netns exec "$ns" tcpdump -i lo -s 262144 -U -w "$out/$name.pcap" tcp 2>/dev/null &
  cap=$!
  sleep 1
  rc=0
  ip netns exec "$ns" python3 "$here/scenarios.py" "$name" >"$out/$name.truth.json" || rc=$?
  sleep 0.5
  kill -INT $cap; wait $cap || true
  ip netns del "$ns"
  if [ $rc -ne 0 ]; then
    echo "$name: scenario failed (exit $rc)" >&2; exit $rc
  fi
  "$here/../support/tshark_fields.sh" "$out/$name.pcap" >"$out/$name.tshark.tsv"
  echo "$name: $(tcpdump -r "$out/$name.pcap" 2>/dev/null | wc -l) packets; $(cat "$out/$name.truth.json")"
done
