#!/bin/bash
# live_capture_test.sh TCPLENS COMPARE.py — captures real traffic live on the loopback of a
# private network namespace with `tcplens frames -i lo -c N -w FILE tcp port P`, then checks
# that (1) it stopped after N frames, (2) the saved pcap holds those frames, and (3) its live
# analysis agrees with tshark's analysis of the saved file. Needs root (ip netns).
set -euo pipefail
tcplens=$1 compare=$2
if [ "$(id -u)" != 0 ]; then echo "needs root for ip netns"; exit 1; fi
ns=tcplens-live-$$
dir=$(mktemp -d)
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
# Waits until N captures listen in the namespace (packet sockets in its /proc/net/packet), so
# traffic is not sent before the capture opened, however loaded the machine is.
wait_capturing() {  # N
  for _ in $(seq 200); do
    [ "$(ip netns exec "$ns" tail -n +2 /proc/net/packet | wc -l)" -ge "$1" ] && return 0
    sleep 0.05
  done
  echo "no capture listening after 10 s"; exit 1
}
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
count=20
ip netns exec "$ns" "$tcplens" frames -i lo -c $count -w "$dir/saved.pcap" tcp port 7777 \
  >"$dir/live.tsv" 2>"$dir/live.err" &
cap=$!
wait_capturing 1
# Traffic: one connection exchanging ROUNDS small messages on PORT, with UDP noise that a
# filter on the port must drop.
talk() {  # PORT ROUNDS
  ip netns exec "$ns" python3 - "$1" "$2" <<'PY'
import socket, sys, threading, time
port, rounds = int(sys.argv[1]), int(sys.argv[2])
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port)); srv.listen(1)
def serve():
    c, _ = srv.accept()
    while True:
        d = c.recv(100)
        if not d: break
        c.send(b"pong")
    c.close()
threading.Thread(target=serve, daemon=True).start()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c = socket.create_connection(("127.0.0.1", port))
for i in range(rounds):
    c.send(b"ping"); c.recv(4)
    u.sendto(b"noise", ("127.0.0.1", 9))
    time.sleep(0.02)
c.close()
time.sleep(0.2)
PY
}
talk 7777 15  # more than $count frames in all
for _ in $(seq 50); do kill -0 $cap 2>/dev/null || break; sleep 0.1; done
if kill -0 $cap 2>/dev/null; then echo "tcplens did not stop after -c $count"; kill -INT $cap; exit 1; fi
wait $cap
rows=$(($(wc -l <"$dir/live.tsv") - 1))
[ "$rows" -eq $count ] || { echo "expected $count rows, got $rows"; cat "$dir/live.err"; exit 1; }
grep -q "^tcplens: $count frames read, $count TCP frames analysed" "$dir/live.err" \
  || { echo "bad account line:"; cat "$dir/live.err"; exit 1; }
saved=$(tshark -r "$dir/saved.pcap" 2>/dev/null | wc -l)
[ "$saved" -eq $count ] || { echo "saved pcap has $saved frames, want $count"; exit 1; }
"$(dirname "$0")/../support/tshark_fields.sh" "$dir/saved.pcap" >"$dir/ref.tsv"
python3 "$compare" "$dir/ref.tsv" "$dir/live.tsv"
# Ctrl-C during a live capture ends it cleanly with what was analysed written out.
ip netns exec "$ns" "$tcplens" frames -i lo tcp >"$dir/int.tsv" 2>"$dir/int.err" &
cap=$!
wait_capturing 1
kill -INT $cap
wait $cap
head -1 "$dir/int.tsv" | grep -q "^frame.number" || { echo "no header after Ctrl-C"; exit 1; }
grep -q "interrupted" "$dir/int.err" || { echo "no account after Ctrl-C:"; cat "$dir/int.err"; exit 1; }
# Live summary: a connection is reported as soon as it ends, the rest on Ctrl-C.
ip netns exec "$ns" "$tcplens" summary --json --account json -i lo tcp port 7778 >"$dir/sum.jsonl" \
  2>"$dir/sum.err" &
cap=$!
wait_capturing 1
ip netns exec "$ns" python3 - "$dir/sum.jsonl" <<'PY'
import socket, sys, threading, time
out = sys.argv[1]
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 7778)); srv.listen(2)
def serve():
    while True:
        c, _ = srv.accept()
        c.recv(10); c.send(b"ok")
        threading.Thread(target=lambda: (c.recv(10), c.close()), daemon=True).start()
threading.Thread(target=serve, daemon=True).start()
a = socket.create_connection(("127.0.0.1", 7778)); a.send(b"one"); a.recv(2); a.close()
time.sleep(1.0)
lines = open(out).read().splitlines()
assert len(lines) == 1, f"the closed connection was not reported as it ended: {lines}"
b = socket.create_connection(("127.0.0.1", 7778)); b.send(b"two"); b.recv(2)
time.sleep(0.5)   # b stays open: reported on Ctrl-C
PY
kill -INT $cap
wait $cap
python3 - "$dir/sum.jsonl" "$dir/sum.err" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
# The frame account, on stderr (--account json): Ctrl-C and libpcap's kernel counters are in it.
acct = json.loads(open(sys.argv[2]).read().splitlines()[-1])["account"]
assert all("account" not in r for r in recs), "an account among the records"
assert acct["interrupted"] is True, acct
assert acct["frames_read"] == acct["tcp_analysed"] + acct["skipped"] > 0, acct
assert acct["kernel"]["received"] >= acct["frames_read"] and acct["kernel"]["dropped"] == 0, acct
assert [r["state"] for r in recs] == ["closed", "open"], [r["state"] for r in recs]
assert recs[0]["bytes"] == {"client_to_server": 3, "server_to_client": 2}, recs[0]["bytes"]
PY
# Live rows reach the reader as frames come, however quiet the link: frames and print write one
# short connection's frames within a second, while the capture is still running.
ip netns exec "$ns" "$tcplens" frames -q -i lo tcp port 7779 >"$dir/flow.tsv" 2>/dev/null &
rows_cap=$!
ip netns exec "$ns" "$tcplens" print -q -i lo tcp port 7779 >"$dir/flow.txt" 2>/dev/null &
print_cap=$!
wait_capturing 2
talk 7779 1
sleep 1
live_rows=$(($(wc -l <"$dir/flow.tsv") - 1))
live_lines=$(wc -l <"$dir/flow.txt")
kill -INT $rows_cap $print_cap
wait $rows_cap $print_cap
[ "$live_rows" -ge 7 ] || { echo "frames -i: $live_rows rows out while capturing, want >= 7"; exit 1; }
[ "$live_lines" -ge 7 ] || { echo "print -i: $live_lines lines out while capturing, want >= 7"; exit 1; }
echo "live capture: ok"
