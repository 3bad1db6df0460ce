#!/usr/bin/python3
"""compare_fields.py REF OUT --fields FILE [--separator C] [--aggregator C] [--quote C] [--json]

Compares `tcplens frames -e …` output (OUT) with tshark's `-T fields` output for the same fields
(REF), field by field: equal text, or for times (names given by --time) within 2 microseconds.
Prints the agreement per field and exits 1 unless every field of every row agrees and the rows
are the same in number. With --json, OUT is `frames -e … --format json` (JSON Lines, the last
line the account: it goes to stderr) and each value is read back as tshark's text: null as nothing, true as
tshark's mark of a present flag, arrays joined by the aggregator."""
import json
import argparse
import sys

TIMES = {"frame.time_epoch", "frame.time_relative", "frame.time_delta", "tcp.time_relative",
         "tcp.time_delta", "tcp.analysis.ack_rtt", "tcp.analysis.initial_rtt", "tcp.analysis.rto"}


def close_times(a, b, aggregator, quote):
    a, b = a.strip(quote or ""), b.strip(quote or "")
    xs, ys = a.split(aggregator), b.split(aggregator)
    if len(xs) != len(ys):
        return False
    try:
        return all(abs(float(x) - float(y)) <= 2e-6 for x, y in zip(xs, ys))
    except ValueError:
        return False


def json_text(v, mark):
    if v is None:
        return ""
    if v is True:
        return mark
    if v is False:
        return "0" if mark in ("0", "1") else ""
    if isinstance(v, list):
        return ",".join(json_text(x, mark) for x in v)
    if isinstance(v, float):
        return f"{v:.9f}"
    return str(v)


def json_as_text(lines, names, ref, header):
    """The JSON rows as tab-separated text, booleans written as tshark wrote them in REF."""
    rows = [json.loads(l) for l in lines if l.strip()]
    if any("account" in r for r in rows):
        raise SystemExit("the JSON output holds an account line (it goes to stderr)")
    ref_rows = [r.split("\t") for r in ref[1 if header else 0:]]
    text = ["\t".join(names)] if header else []
    for i, row in enumerate(rows):
        if list(row.keys()) != names:
            raise SystemExit(f"JSON row {i + 1}: keys {list(row.keys())[:5]}… are not the fields asked for")
        cells = []
        for k, name in enumerate(names):
            mark = "1"
            if i < len(ref_rows) and k < len(ref_rows[i]) and ref_rows[i][k] not in ("", "0"):
                mark = ref_rows[i][k]
            v = row[name]
            if isinstance(v, bool) and not v and i < len(ref_rows) and k < len(ref_rows[i]):
                cells.append("0" if ref_rows[i][k] == "0" else "")
            else:
                cells.append(json_text(v, mark))
        text.append("\t".join(cells))
    return text + [""]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("ref")
    p.add_argument("out")
    p.add_argument("--fields", required=True, help="file with the field names, one a line")
    p.add_argument("--separator", default="\t")
    p.add_argument("--aggregator", default=",")
    p.add_argument("--quote", default="")
    p.add_argument("--header", action="store_true", help="the first line is the header")
    p.add_argument("--show", type=int, default=10)
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    names = [l.strip() for l in open(a.fields) if l.strip()]
    ref = open(a.ref, encoding="utf-8").read().split("\n")
    out = open(a.out, encoding="utf-8").read().split("\n")
    if a.json:
        out = json_as_text(out, names, ref, a.header)
    ok = True
    if a.header:
        if ref[0] != out[0]:
            print(f"header differs:\n  tshark:  {ref[0]!r}\n  tcplens: {out[0]!r}")
            ok = False
        ref, out = ref[1:], out[1:]
    if len(ref) != len(out):
        print(f"rows: tshark {len(ref) - 1}, tcplens {len(out) - 1}")
        ok = False
    agree = [0] * len(names)
    rows = min(len(ref), len(out))
    shown = 0
    for i in range(rows):
        if ref[i] == out[i]:
            agree = [x + 1 for x in agree]
            continue
        r, o = ref[i].split(a.separator), out[i].split(a.separator)
        if len(r) != len(names) or len(o) != len(names):
            print(f"row {i + 1}: {len(r)} fields from tshark, {len(o)} from tcplens")
            ok = False
            continue
        for k, name in enumerate(names):
            if r[k] == o[k] or (name in TIMES and close_times(r[k], o[k], a.aggregator, a.quote)):
                agree[k] += 1
            elif shown < a.show:
                print(f"row {i + 1} (frame {r[0]}): {name}: tshark {r[k]!r}, tcplens {o[k]!r}")
                shown += 1
    total = max(rows, 1)
    for k, name in enumerate(names):
        pct = 100.0 * agree[k] / total
        if agree[k] != rows:
            ok = False
        print(f"{pct:7.2f} %  {name}" if agree[k] != rows else f" 100.00 %  {name}", file=sys.stdout)
    frames = rows - (1 if ref and ref[-1] == "" else 0)
    print(f"{frames} frames, {len(names)} fields: {'all agree' if ok else 'DIFFER'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
