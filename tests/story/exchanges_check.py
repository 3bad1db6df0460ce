"""exchanges_check.py TCPLENS CAPTURE... — explain's "Data:" line counts the conversation as a
person would, checked against tshark's packets.

From tshark: every frame with new payload (no retransmission, keep-alive or out-of-order flag),
in order; a turn is a run of them from one side. A client turn and the server turn after it are
one request/response exchange, a server turn before the first client turn is the server speaking
first, a last client turn without a server turn after it is an unanswered request (or data sent
after the server's FIN). explain's line must give the same number of turns and exchanges, and
tell the greeting and the last request exactly when the packets have them.
"""
import collections, re, subprocess, sys

tcplens, captures = sys.argv[1], sys.argv[2:]
fails, checked = [], 0
for cap in captures:
    out = subprocess.run(
        ["tshark", "-n", "-r", cap, "-Y",
         "tcp.len > 0 && !tcp.analysis.retransmission && !tcp.analysis.keep_alive && "
         "!tcp.analysis.out_of_order && !tcp.analysis.spurious_retransmission",
         "-T", "fields", "-e", "tcp.stream", "-e", "ip.src", "-e", "ipv6.src", "-e", "tcp.srcport"],
        check=True, capture_output=True, text=True).stdout
    senders = collections.defaultdict(list)
    for line in out.splitlines():
        stream, v4, v6, port = line.split("\t")
        src = f"{v4}:{port}" if v4 else f"[{v6}]:{port}"
        if not senders[int(stream)] or senders[int(stream)][-1] != src:
            senders[int(stream)].append(src)  # a new turn
    story = subprocess.run([tcplens, "explain", "--quiet", cap], check=True,
                           capture_output=True, text=True).stdout
    for block in story.split("\n\n"):
        m = re.match(r"Connection (\d+): client (\S+) → server (\S+),", block)
        if not m:
            continue
        stream, client = int(m.group(1)), m.group(2)
        turns = senders.get(stream, [])
        data = re.search(r"^Data: (.*) \((\d+) turns?\):$", block, re.M)
        if not turns:
            if data:
                fails.append(f"{cap} stream {stream}: no payload in tshark but '{data.group(0)}'")
            continue
        if not data:
            fails.append(f"{cap} stream {stream}: {len(turns)} turns but no Data line")
            continue
        checked += 1
        shape, told_turns = data.group(1), int(data.group(2))
        server_first = turns[0] != client
        after = turns[1:] if server_first else turns
        want = dict(turns=len(turns), exchanges=len(after) // 2,
                    server_first=server_first and len(turns) > 1,
                    last_unanswered=len(turns) > 1 and len(after) % 2 == 1,
                    one_side=len(turns) == 1)
        n = re.search(r"(\d+) request/response exchanges?", shape)
        got = dict(turns=told_turns, exchanges=int(n.group(1)) if n else 0,
                   server_first=shape.startswith("the server spoke first"),
                   last_unanswered=bool(re.search(r"then (an unanswered request|the client sent more "
                                                  r"after the server had closed)$", shape)),
                   one_side=shape.startswith("only the"))
        if got != want:
            fails.append(f"{cap} stream {stream}: tshark {want}, explain '{data.group(0)}'")
print(f"{checked} connections with data checked in {len(captures)} captures")
for f in fails[:30]:
    print("FAIL:", f)
sys.exit(1 if fails or checked == 0 else 0)
