"""Connection records against tshark and the packets, and the same numbers in every output.

records_check.py TCPLENS CAPTURE [TCPLENS OPTIONS, e.g. --idle-timeout 200 --linger 60]
- one record per tshark tcp.stream, frames per record = tshark's frames of that stream (counted
  from `tshark -T fields -e tcp.stream`), the records' frames = the TCP frames analysed;
  the one allowed exception is explicit: a stream's frames after its record was written (it
  lingered closed `--linger` seconds, or went idle `--idle-timeout` seconds, before them) are in
  no record. Then the record holds the stream's first frames, the later ones start at least the
  linger after the record's last frame (or at its `released_idle_at`), and they add up to the
  account's `frames_after_end` (records + frames_after_end = TCP frames analysed);
- `retransmissions` of each record = the resends pcap_resends.py counts from the packets,
  `retransmitted_segments` = the distinct (direction, starting sequence) among them, and each
  direction's `diagnosis.senders.*.data_resends` = those of them that carry data;
- each direction's `bytes` and `acked_bytes` = the packets' count (pcap_resends.byte_counts:
  from one past the SYN, or the lowest payload byte captured, to the highest data sequence, and
  the peer's highest ACK within that);
- the table (`summary`), `explain` and the HTML report show the same retransmissions, frames and
  RTT as `summary --json`; explain's byte statements (English and Chinese: all data
  acknowledged, unacknowledged at the end, left unacknowledged by a RST), the report's byte
  cells and its stories' byte statements show the same `bytes` and `acked_bytes`.
"""

import html
import ipaddress
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcap_resends  # noqa: E402

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def human_seconds(s):  # as the table prints a duration
    if s < 1e-3:
        return f"{s * 1e6:.0f}us"
    if s < 1:
        return f"{s * 1e3:.1f}ms"
    return f"{s:.2f}s"


def option(options, name, default):
    return float(options[options.index(name) + 1]) if name in options else default


# explain's sentences may be reworded: the numbers are found next to their key words.
SIDES = {"en": {"client": "client", "server": "server"}, "zh": {"client": "客户端", "server": "服务端"}}


def check_bytes_told(block, r, lang, where="explain"):
    """The story's byte statements equal the record's `bytes` and `acked_bytes`: "all data
    acknowledged (N bytes from the client, M from the server)", "Unacknowledged at the end: U of
    the client's B bytes (A acknowledged)", "N bytes were left unacknowledged" (after a RST), "No
    ACK of the N bytes sent is in the capture", and the Chinese ones."""
    s = r["stream"]
    sent = {k: r["bytes"][w] for k, w in (("client", "client_to_server"), ("server", "server_to_client"))}
    acked = {k: r["acked_bytes"][w] for k, w in (("client", "client_to_server"), ("server", "server_to_client"))}
    unacked = sum(sent[k] - acked[k] for k in sent)
    names = SIDES[lang]
    told = False
    if lang == "en":
        all_acked = re.search(r"(?i)all (?:the )?data (?:was )?acknowledged[^.\n]*", block)
        un = re.search(r"(?i)unacknowledged at the end:[^\n]*", block)
        parts = re.findall(r"(\d+) of the (client|server)'s (\d+) bytes?\s*\((\d+) acknowledged", un.group(0)) if un else []
        left = re.findall(r"(\d+) bytes? (?:were |was )?left unacknowledged", block)
        no_ack = re.search(r"No ACK of the (\d+) bytes", block)
    else:
        all_acked = re.search(r"全部数据都?已?被?确认[^。\n]*", block)
        un = re.search(r"未被确认的数据：[^。\n]*", block)
        parts = [(u, {"客户端": "client", "服务端": "server"}[w], b, a) for w, u, b, a in
                 re.findall(r"(客户端|服务端)\s*(\d+)\s*字节（共\s*(\d+)，已确认\s*(\d+)）", un.group(0))] if un else []
        left = re.findall(r"未确认的数据\s*(\d+)\s*字节", block)
        no_ack = re.search(r"看不到对\s*(\d+)\s*字节的确认", block)
    if all_acked:
        told = True
        check(unacked == 0, f"{lang} {where} stream {s}: all data acknowledged, json {unacked} not")
        for k in ("client", "server"):
            if lang == "en":
                n = re.search(rf"(\d+) (?:bytes? )?from the {k}|{k}'?s? (\d+) bytes?", all_acked.group(0))
            else:
                n = re.search(rf"{names[k]}的?\s*(\d+)\s*字节", all_acked.group(0))
            # A side the sentence does not name sent no data (no zero-value clauses).
            got = int(next(g for g in n.groups() if g)) if n else 0
            check(got == sent[k], f"{lang} {where} stream {s}: all acknowledged, {k} {got} bytes, json {sent[k]}")
    if un:
        told = True
        check(parts, f"{lang} {where} stream {s}: unacknowledged at the end, no side read")
        listed = set()
        for u, k, b, a in parts:
            listed.add(k)
            got = (int(u), int(b), int(a))
            want = (sent[k] - acked[k], sent[k], acked[k])
            check(got == want, f"{lang} {where} stream {s}: {k} unacknowledged/bytes/acknowledged {got}, json {want}")
        for k in set(sent) - listed:
            check(sent[k] == acked[k], f"{lang} {where} stream {s}: {k} not told, json {sent[k] - acked[k]} unacknowledged")
    if no_ack:
        told = True
        check(int(no_ack.group(1)) == unacked, f"{lang} {where} stream {s}: no ACK of {no_ack.group(1)} bytes, json {unacked}")
    for n in left:
        check(int(n) == unacked, f"{lang} {where} stream {s}: {n} bytes left unacknowledged, json {unacked}")
    # A connection that carried data says how much of it was acknowledged.
    if r["state"] not in ("refused", "unanswered") and any(sent.values()):
        check(told, f"{lang} {where} stream {s}: no statement of its bytes acknowledged")


def main(argv):
    tcplens, capture, options = argv[1], argv[2], argv[3:]
    linger = option(options, "--linger", 60.0)
    per_frame = [x.split("\t") for x in run(
        "tshark", "-r", capture, "-T", "fields", "-e", "tcp.stream", "-e", "frame.time_epoch",
        "-e", "tcp.flags.syn", "-e", "tcp.flags.ack", "-e", "tcp.seq_raw", "-e",
        "tcp.ack_raw").split("\n")[:-1]]
    streams = [int(x[0]) if x[0].strip() else None for x in per_frame]
    times = [float(x[1]) for x in per_frame]
    tshark_frames = Counter(s for s in streams if s is not None)
    # Per stream, the last SYN's raw sequence and the SYN/ACK's raw ACK that follows it.
    synacks, last_syn = {}, {}
    for st, (_, _, syn, is_ack, seq, ack) in zip(streams, per_frame):
        if st is None or syn not in ("1", "True"):
            continue
        if is_ack not in ("1", "True"):
            last_syn[st] = int(seq)
        elif st in last_syn:
            synacks.setdefault(st, (last_syn[st], int(ack)))

    # The records on stdout, the account on stderr (--account json).
    done = subprocess.run([tcplens, "summary", "--json", "--account", "json", *options, capture],
                          check=True, capture_output=True, text=True)
    lines = done.stdout.splitlines()
    records = [json.loads(x) for x in lines]
    check(all("stream" in r for r in records), "stdout holds records only")
    account = json.loads(done.stderr.strip().splitlines()[-1])["account"]
    by_stream = {r["stream"]: r for r in records}

    check(len(by_stream) == len(records), "one record per stream")
    check(set(by_stream) == set(tshark_frames),
          f"streams: tcplens {sorted(by_stream)[:10]}… tshark {sorted(tshark_frames)[:10]}…")
    frame_times = {}  # stream -> its frames' times, in file order
    for s, t in zip(streams, times):
        if s is not None:
            frame_times.setdefault(s, []).append(t)
    late = 0
    for s, n in sorted(tshark_frames.items()):
        r = by_stream.get(s, {})
        got = r.get("frames")
        if got is None or got >= n:
            check(got == n, f"stream {s}: {got} frames, tshark {n}")
            continue
        # Frames after the record was written: allowed only where the record could be written.
        end = r["start"] + r["duration_s"]
        first_late = frame_times[s][got]
        released = r["released_idle_at"]
        ok = first_late >= released - 1e-6 if released is not None else first_late >= end + linger - 1e-6
        check(ok, f"stream {s}: {got} frames, tshark {n}: frame at {first_late:.6f} not after "
              f"the record's end {end:.6f} + linger {linger} or idle release {released}")
        late += n - got
    check(late == account["frames_after_end"],
          f"{late} frames after their record, account frames_after_end {account['frames_after_end']}")
    total = sum(r["frames"] for r in records)
    check(total + account["frames_after_end"] == account["tcp_analysed"],
          f"records hold {total} frames + {account['frames_after_end']} after their record, "
          f"analysed {account['tcp_analysed']}")

    # The packets' counts over the frames in records (a frame after its record is in none).
    seen = Counter()
    in_records = []
    for st in streams:
        if st is not None:
            seen[st] += 1
        keep = st is not None and seen[st] <= by_stream.get(st, {}).get("frames", 0)
        in_records.append(st if keep else None)
    resends, distinct, data = pcap_resends.scan(capture, in_records)
    counted = pcap_resends.byte_counts(capture, in_records)
    for s, r in by_stream.items():
        check(r["retransmissions"] == resends.get(s, 0),
              f"stream {s}: retransmissions {r['retransmissions']}, packets {resends.get(s, 0)}")
        check(r["retransmitted_segments"] == distinct.get(s, 0),
              f"stream {s}: retransmitted_segments {r['retransmitted_segments']}, packets "
              f"{distinct.get(s, 0)}")
        # Per direction against the packets: the diagnosis' data resends, bytes and acked bytes.
        senders = r["diagnosis"]["senders"]
        for way, who in (("client_to_server", r["client"]), ("server_to_client", r["server"])):
            addr, port = who.rsplit(":", 1)
            key = (s, ipaddress.ip_address(addr.strip("[]")).packed, int(port))
            want = data.get(key, 0)
            got = 0 if senders[way] is None else senders[way]["data_resends"]
            check(got == want, f"stream {s}: {way} data_resends {got}, packets {want}")
            want = counted.get(key, (0, 0))
            got = (r["bytes"][way], r["acked_bytes"][way])
            check(got == want, f"stream {s}: {way} (bytes, acked_bytes) {got}, packets {want}")

    # The table: stream, retx and rtt columns.
    for row in run(tcplens, "summary", "--quiet", *options, capture).splitlines()[1:]:
        if row.startswith("!:"):  # the legend line
            continue
        cells = row[1:].split()
        s = int(cells[0])
        r = by_stream[s]
        check(int(cells[-3]) == r["retransmissions"], f"table stream {s}: retx {cells[-3]}")
        path = r["rtt_s"]["path"]
        want = "-" if path is None else human_seconds(path)
        check(cells[-2] == want, f"table stream {s}: rtt {cells[-2]}, json {want}")

    # explain: each story's frames and retransmissions.
    story = run(tcplens, "explain", "--quiet", *options, capture)
    blocks = re.split(r"(?m)^(?=Connection \d+:)", story)
    told = 0
    for b in blocks:
        m = re.match(r"Connection (\d+):.*?, (\d+) frames? over", b)
        if not m:
            continue
        told += 1
        r = by_stream[int(m.group(1))]
        check(int(m.group(2)) == r["frames"], f"explain stream {m.group(1)}: frames")
        n = re.search(r"(?m)^Retransmissions: (\d+) \((\d+) distinct", b)
        got = (int(n.group(1)), int(n.group(2))) if n else (0, 0)
        want = (r["retransmissions"], r["retransmitted_segments"])
        check(got == want, f"explain stream {m.group(1)}: retransmissions {got}, json {want}")
        # The handshake's numbers are the packets': the SYN/ACK's ACK and what it covers.
        h = re.search(r"the client's SYN carried ISN (\d+)(?: and (\d+) bytes of data)?.*?SYN/ACK "
                      r"carried its own ISN (\d+) and acknowledged (\d+) = (\d+) \+ 1(?: \+ (\d+))?", b)
        if h:
            isn, data, ack, base, plus = (int(h.group(k) or 0) for k in (1, 2, 4, 5, 6))
            want = synacks.get(int(m.group(1)))
            check(want is not None and (isn, ack) == want and base == isn and plus == data and
                  ack == (isn + 1 + data) % 2**32,
                  f"explain stream {m.group(1)}: handshake ISN {isn} + 1 + {data} = ACK {ack}, "
                  f"packets (SYN ISN, SYN/ACK ACK) {want}")
    check(told == len(records), f"explain told {told} of {len(records)} connections")

    # explain's byte statements, English and Chinese, against bytes and acked_bytes.
    for lang in ("en", "zh"):
        story = run(tcplens, "explain", "--quiet", "--lang", lang, *options, capture)
        head = r"(?m)^(?=Connection \d+:)" if lang == "en" else r"(?m)^(?=连接 \d+：)"
        for b in re.split(head, story):
            m = re.match(r"(?:Connection|连接) (\d+)[:：]", b)
            if m:
                check_bytes_told(b, by_stream[int(m.group(1))], lang)

    # The report's overview table.
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report.html")
        run(tcplens, "report", "--quiet", "-o", out, *options, capture)
        with open(out, encoding="utf-8") as f:
            page = f.read()
    table = page[page.index('<table id="overview">'):]
    table = table[:table.index("</table>")]
    for streams, row in re.findall(r'<tr data-streams="([0-9 ]+)"[^>]*>(<td.*?)</tr>', table):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td.*?</td>", row)]
        members = [by_stream[int(s)] for s in streams.split()]
        # A group row of identical connections shows the range of their retransmissions.
        counts = sorted({r["retransmissions"] for r in members})
        want_x = str(counts[0]) if len(counts) == 1 else f"{counts[0]}–{counts[-1]}"
        check(cells[8] == want_x, f"report streams {streams}: retransmissions {cells[8]}, json {want_x}")
        for cell, way in ((cells[6], "client_to_server"), (cells[7], "server_to_client")):
            shown = {str(r["bytes"][way]) for r in members}
            check({cell} == shown, f"report streams {streams}: {way} bytes {cell}, json {shown}")
        if len(members) > 1:
            continue
        s, r = streams, members[0]
        path = r["rtt_s"]["path"]
        want = "-" if path is None else f"{path * 1e3:.3f}"
        check(cells[9] == want, f"report stream {s}: RTT {cells[9]}, json {want}")

    # The report's stories (the troubled connections in detail): the same byte statements.
    rest = page[page.index("</table>", page.index('<table id="overview">')):]
    rest = html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"(?s)<(script|style)\b.*?</\1>", "", rest)))
    for b in re.split(r"(?m)^(?=Connection \d+:)", rest):
        m = re.match(r"Connection (\d+):", b)
        if m:
            check_bytes_told(b, by_stream[int(m.group(1))], "en", "report")

    for f in failures[:20]:
        print("FAIL", capture, f)
    print(f"{capture}: {len(records)} records, {total} frames, "
          f"{sum(r['retransmissions'] for r in records)} retransmissions, "
          f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
