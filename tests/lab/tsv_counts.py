#!/usr/bin/env python3
"""tsv_counts.py NAME.tshark.tsv...  — the README table's counts of each
tshark reference: frames, streams, SYN and RST frames (tcp.flags.str has S or
R), and the frames with each tcp.analysis flag set (`rto` counts frames with
tcp.analysis.rto), printed as `| frames | streams | SYN | RST | flags |`."""
import os, sys

ORDER = ["retransmission", "fast_retransmission", "spurious_retransmission", "out_of_order",
         "lost_segment", "ack_lost_segment", "duplicate_ack", "zero_window", "zero_window_probe",
         "zero_window_probe_ack", "window_full", "window_update", "keep_alive", "keep_alive_ack", "rto"]

for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    head = lines[0].split("\t")
    rows = [dict(zip(head, l.split("\t") + [""] * len(head))) for l in lines[1:]]
    streams = {r["tcp.stream"] for r in rows}
    syn = sum(1 for r in rows if "S" in r["tcp.flags.str"])
    rst = sum(1 for r in rows if "R" in r["tcp.flags.str"])
    counts = []
    for k in ORDER:
        n = sum(1 for r in rows if r.get("tcp.analysis." + k, ""))
        if n:
            counts.append("%s %d" % (k, n))
    name = os.path.basename(path).replace(".tshark.tsv", "")
    print("| %s | %d | %d | %d | %d | %s |" % (name, len(rows), len(streams), syn, rst,
                                               ", ".join(counts) or "none"))
