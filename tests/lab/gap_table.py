#!/usr/bin/env python3
"""gap_table.py TCPLENS LAB_DIR [README]: the README's table of what tcplens says about each wire
recording now, against its truth.json, made by running tcplens (`summary --json`, `explain`).
Without README it prints the table; with it, it checks that the README holds the table, byte for
byte, between its `<!-- gap_table.py -->` and `<!-- /gap_table.py -->` lines (ctest
`lab.readme_table`), so that every figure there is the tool's output of this build."""
import json
import os
import re
import subprocess
import sys

SCENARIOS = ["rtostall", "lossboth_snd", "lossboth_rcv", "sndbuf", "cwndlock", "ecn", "midstream",
             "sackholes", "fastopen", "tlptail"]
# The verdicts tcplens gave when the recordings were made (build ab28a82, before issue 15): history.
THEN = {"rtostall": "loss-limited", "lossboth_snd": "loss-limited",
        "lossboth_rcv": "application-limited", "sndbuf": "healthy", "cwndlock": "healthy",
        "ecn": "application-limited", "midstream": "loss-limited", "sackholes": "healthy",
        "fastopen": "healthy", "tlptail": "loss-limited"}


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def row(tcplens, lab, name):
    pcap = os.path.join(lab, name + ".pcap")
    with open(os.path.join(lab, name + ".truth.json")) as f:
        truth = json.load(f)
    records = [json.loads(x) for x in run(tcplens, "summary", "--json", "-q", pcap).splitlines()]
    story = run(tcplens, "explain", "-q", pcap)
    told = sum(int(n) for n in re.findall(r"(?m)^Retransmissions: (\d+)", story))
    verdicts = sorted({r["diagnosis"]["verdict"] for r in records})
    causes = sorted({s["cause"] for r in records for s in r["diagnosis"]["stalls"]})
    ways = ("client_to_server", "server_to_client")
    resends = sum(r["diagnosis"]["senders"][w]["data_resends"] for r in records for w in ways
                  if r["diagnosis"]["senders"][w] is not None)
    holes = sum(r["diagnosis"]["sack"][w]["holes"] for r in records for w in ways)
    filled = sum(r["diagnosis"]["sack"][w]["holes_filled_by_retransmission"] for r in records
                 for w in ways)
    retx = sum(r["retransmissions"] for r in records)
    resent = truth.get("resent_segments_in_capture")
    frames = sum(r["frames"] for r in records)
    sent = " / ".join(" + ".join(str(r["bytes"][w]) for r in records) for w in ways)
    return (f"| {name} | {truth['expected_verdict']} | {', '.join(verdicts)} | "
            f"{', '.join(causes) or '-'} | {retx} / {told} / {'-' if resent is None else resent} | "
            f"{resends} | {holes} ({filled} filled) | {sent} | {len(records)} / {frames} | {THEN[name]} |")


def table(tcplens, lab):
    lines = ["| scenario | expected (truth) | verdict | stall causes | retransmissions (summary / "
             "explain / truth's resent segments) | data resends | SACK holes | bytes c→s / s→c "
             "| records / frames | verdict at ab28a82 |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    return "\n".join(lines + [row(tcplens, lab, n) for n in SCENARIOS]) + "\n"


def main():
    tcplens, lab = sys.argv[1], sys.argv[2]
    made = table(tcplens, lab)
    if len(sys.argv) < 4:
        sys.stdout.write(made)
        return 0
    with open(sys.argv[3], encoding="utf-8") as f:
        readme = f.read()
    m = re.search(r"<!-- gap_table.py -->\n(.*?)<!-- /gap_table.py -->", readme, re.S)
    if not m:
        print("FAIL: no <!-- gap_table.py --> … <!-- /gap_table.py --> block in", sys.argv[3])
        return 1
    if m.group(1) != made:
        print("FAIL: the README's table is not the tool's output now; it should be:\n" + made)
        print("README has:\n" + m.group(1))
        return 1
    print("README table: as tcplens says now")
    return 0


if __name__ == "__main__":
    sys.exit(main())
