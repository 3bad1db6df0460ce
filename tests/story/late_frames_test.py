"""Frames after a record was written, against tshark: late_frames_test.py TCPLENS

A hand-built capture (written into a temporary folder): stream 0 closes with FINs at 0.07 s and
gets a late ACK and RST of the same 4-tuple at 120 s, after a frame of stream 1 at 100 s let the
60 s linger write its record; stream 1 goes quiet at 100 s, is released by --idle-timeout 200 at
a frame of another stream at 350 s, and sends again at 400 s; the first 4-tuple is reused with a
new handshake at 200 s. tshark keeps the late frames in their streams (0 and 1) and starts a new
stream for the reuse. Checked:
- `tcplens frames`' tcp.stream is tshark's on every frame (one analyser and two);
- records_check.py with --idle-timeout 200: each record holds its stream's frames up to its
  release, the later ones are counted in the account's `frames_after_end`;
- the capture does what it is for: frames after a lingered record and after an idle release;
- summary's records and account are the same with --threads 2.
"""

import json
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import records_check  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from inet_checksum import csum  # noqa: E402

SYN, ACK, PSH, FIN, RST = 2, 16, 8, 1, 4
A, B = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])


def write_capture(path):
    out = []

    def seg(t, src, dst, sport, dport, seq, ack, flags, payload=b""):
        tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
        pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
        tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, 6, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        out.append((t, b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip + tcp))

    def c(port):
        return lambda t, f, s, a, p=b"": seg(t, A, B, port, 80, s, a, f, p)

    def s(port):
        return lambda t, f, sq, a, p=b"": seg(t, B, A, 80, port, sq, a, f, p)

    c0, s0, c1, s1 = c(40000), s(40000), c(40001), s(40001)
    # Stream 0: closed by FINs at 0.07 s; a late ACK and RST at 120 s.
    c0(0.0, SYN, 1000, 0), s0(0.01, SYN | ACK, 5000, 1001), c0(0.02, ACK, 1001, 5001)
    c0(0.03, ACK | PSH, 1001, 5001, b"x" * 100), s0(0.04, ACK, 5001, 1101)
    c0(0.05, FIN | ACK, 1101, 5001), s0(0.06, FIN | ACK, 5001, 1102), c0(0.07, ACK, 1102, 5002)
    c0(120.0, ACK, 1102, 5002), c0(121.0, RST, 1102, 0)
    # Stream 1: open, quiet from 100 s to 400 s.
    c1(0.5, SYN, 2000, 0), s1(0.51, SYN | ACK, 7000, 2001), c1(0.52, ACK, 2001, 7001)
    c1(0.6, ACK | PSH, 2001, 7001, b"y" * 50), s1(0.61, ACK, 7001, 2051)
    c1(100.0, ACK | PSH, 2051, 7001, b"z" * 50), s1(100.01, ACK, 7001, 2101)
    c1(400.0, ACK | PSH, 2101, 7001, b"w" * 50), s1(400.01, ACK, 7001, 2151)
    # Stream 2: the first 4-tuple again, a new handshake; stream 3: one SYN at 350 s.
    c0(200.0, SYN, 50000, 0), s0(200.01, SYN | ACK, 60000, 50001), c0(200.02, ACK, 50001, 60001)
    c0(200.03, RST | ACK, 50001, 60001)
    seg(350.0, A, B, 40002, 80, 9000, 0, SYN)
    out.sort(key=lambda x: x[0])
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for t, frame in out:
            us = int(round((1_700_000_000 + t) * 1e6))
            f.write(struct.pack("<IIII", us // 1_000_000, us % 1_000_000, len(frame), len(frame)))
            f.write(frame)


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True)


def main():
    tcplens = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        pcap = os.path.join(tmp, "late.pcap")
        write_capture(pcap)
        want = run("tshark", "-r", pcap, "-T", "fields", "-e", "frame.number", "-e",
                   "tcp.stream").stdout
        for threads in ("1", "2"):
            got = run(tcplens, "frames", "-q", "--threads", threads, "-e", "frame.number", "-e",
                      "tcp.stream", pcap).stdout
            if got != want:
                failures.append(f"frames --threads {threads}: tcp.stream {got!r}, tshark {want!r}")

        options = ["--idle-timeout", "200"]
        if records_check.main([sys.argv[0], tcplens, pcap, *options]) != 0:
            failures.append("records_check")

        tshark = {}
        for line in want.splitlines():
            stream = int(line.split("\t")[1])
            tshark[stream] = tshark.get(stream, 0) + 1
        one = run(tcplens, "summary", "--json", "--account", "json", *options, pcap)
        records = [json.loads(x) for x in one.stdout.splitlines()]
        account = json.loads(one.stderr.splitlines()[-1])["account"]
        short = [r for r in records if r["frames"] < tshark[r["stream"]]]
        if not any(r["state"] == "closed" and r["released_idle_at"] is None for r in short):
            failures.append("no frame after a lingered closed record")
        if not any(r["released_idle_at"] is not None for r in short):
            failures.append("no frame after an idle-released record")
        if account["frames_after_end"] == 0:
            failures.append("account frames_after_end is 0")
        two = run(tcplens, "summary", "--json", "--account", "json", "--threads", "2", *options, pcap)
        if (two.stdout, two.stderr) != (one.stdout, one.stderr):
            failures.append("summary --threads 2 differs from one analyser")
    for f in failures:
        print("FAIL", f)
    print(f"late frames: {account['frames_after_end']} after their record, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
