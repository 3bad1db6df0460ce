#!/bin/bash
# live_load.sh [SECONDS] — does a live capture keep up? In a private network namespace (run as
# root), a bulk transfer on the loopback with offloads off and a 1500-byte MTU (one frame per
# segment, as on a real link) runs for SECONDS (default 5) while each capturer listens:
# `tcplens frames -i lo`, `tcplens summary --json -i lo` (outputs to /dev/null), and
# `tcpdump -i lo -w /dev/null` as the reference. Each is stopped with SIGINT; the table gives the
# frames the kernel handed over, those it dropped (libpcap's counters, from the end-of-run line),
# the rate, and the load's own rate. Needs iproute2, ethtool, tcpdump, python3.
set -euo pipefail
secs=${1:-5}
tcplens=${TCPLENS:-$(dirname "$0")/../build/tcplens}
tcplens=$(realpath "$tcplens")
ns=tcplens-load-$$
dir=$(mktemp -d)
trap 'ip netns del "$ns" 2>/dev/null || true; rm -rf "$dir"' EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up mtu 1500
ip netns exec "$ns" ethtool -K lo tso off gso off gro off >/dev/null 2>&1 || true

cat >"$dir/load.py" <<'PY'
import socket, sys, threading, time
secs = float(sys.argv[1])
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 5001)); srv.listen(4)
def sink():
    c, _ = srv.accept()
    while c.recv(1 << 20):
        pass
threading.Thread(target=sink, daemon=True).start()
cli = socket.create_connection(("127.0.0.1", 5001))
buf = b"x" * (1 << 20)
sent, end = 0, time.time() + secs
while time.time() < end:
    sent += cli.send(buf)
cli.close()
print(sent)
PY

run() {  # run NAME CMD...: capture while the load runs, then SIGINT
  local name=$1; shift
  ip netns exec "$ns" "$@" >/dev/null 2>"$dir/err" &
  local pid=$!
  sleep 1
  local bytes
  bytes=$(ip netns exec "$ns" python3 "$dir/load.py" "$secs")
  sleep 0.5
  kill -INT $pid
  wait $pid || true
  python3 - "$name" "$dir/err" "$bytes" "$secs" <<'PY'
import re, sys
name, err, sent, secs = sys.argv[1], open(sys.argv[2]).read(), int(sys.argv[3]), float(sys.argv[4])
m = re.search(r"kernel: (\d+) received, (\d+) dropped", err) or \
    re.search(r"(\d+) packets received by filter\s+(\d+) packets dropped by kernel", err, re.S)
if not m:
    print(f"| {name} | ? | ? | ? | {sent / secs / 1e6:.0f} | no statistics: {err.strip()[:80]} |")
else:
    rec, drop = int(m.group(1)), int(m.group(2))
    print(f"| {name} | {rec} | {drop} | {rec / secs:,.0f} | {sent / secs / 1e6:.0f} |")
PY
}

echo "| capturer | frames received | dropped | frames/s | load MB/s |"
echo "|---|---:|---:|---:|---:|"
run "tcpdump -w /dev/null" tcpdump -i lo -w /dev/null tcp
run "tcplens frames" "$tcplens" frames -i lo tcp
run "tcplens summary --json" "$tcplens" summary --json -i lo tcp
run "tcpdump -w FILE" tcpdump -i lo -w "$dir/saved.pcap" tcp
rm -f "$dir/saved.pcap"
run "tcplens frames -w FILE" "$tcplens" frames -i lo -w "$dir/saved.pcap" tcp
