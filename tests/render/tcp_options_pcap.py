#!/usr/bin/env python3
"""tcp_options_pcap.py OUT: a pcap of hand-built TCP frames for every option tcpdump 4.99 names
(mptcp subtypes, tfo, exp-tfo, md5, uto, scps, tcp-ao, echo, cc, unknown-N, eol), bad and cut
option lists, urgent data, ECN flags, IPv4-mapped IPv6 addresses, a datagram longer than its
frame, equal ports, and a SYN-ACK carrying SACK blocks: `tcplens print` must write what tcpdump
writes for each (print_tcpdump_test.sh)."""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from inet_checksum import csum  # noqa: E402

frames = []


def tcp(sport, dport, seq, ack, flags, opts=b"", payload=b"", win=1000, urg=0):
    opts += b"\0" * (-len(opts) % 4)
    off = (20 + len(opts)) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, win, 0, urg) + opts + payload


def ip4(src, dst, seg, ip_len=None):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(seg) if ip_len is None else ip_len, 1, 0x4000, 64, 6, 0,
                    bytes(src), bytes(dst))
    return b"\x08\x00", h[:10] + struct.pack("!H", csum(h)) + h[12:] + seg


def ip6(src, dst, seg):
    return b"\x86\xdd", struct.pack("!IHBB16s16s", 6 << 28, len(seg), 6, 64, bytes(src), bytes(dst)) + seg


def frame(l3, snap=None):
    ethertype, packet = l3
    eth = b"\x02\0\0\0\0\x01" + b"\x02\0\0\0\0\x02" + ethertype + packet
    cut = eth if snap is None else eth[:snap]
    frames.append((len(frames) + 1, eth, cut))


A, B = [10, 0, 0, 1], [10, 0, 0, 2]
SYN, ACK, PSH, FIN, RST, URG, ECE, CWR = 2, 16, 8, 1, 4, 32, 64, 128
mss = b"\x02\x04\x05\xb4"
# A handshake whose SYN-ACK carries SACK blocks and ECN setup flags.
frame(ip4(A, B, tcp(40000, 80, 1000, 0, SYN | ECE | CWR, mss + b"\x01\x03\x03\x07")))
frame(ip4(B, A, tcp(80, 40000, 5000, 1001, SYN | ACK | ECE, mss + b"\x01\x01\x05\x0a" +
                    struct.pack("!II", 1001, 1101))))
frame(ip4(A, B, tcp(40000, 80, 1001, 5001, ACK | URG | PSH, b"", b"x" * 10, urg=5)))
frame(ip4(B, A, tcp(80, 40000, 5001, 1011, ACK | ECE, b"\x01\x01\x05\x12" +
                    struct.pack("!IIII", 1200, 1300, 1400, 1500))))
frame(ip4(A, B, tcp(40000, 80, 1011, 5001, ACK | CWR)))
# Options tcpdump names, one frame each (kind, data).
options = [
    b"\x06\x06\0\0\0\x07", b"\x07\x06\0\0\0\x08", b"\x0b\x06\0\0\0\x09", b"\x0c\x06\0\0\0\x0a",
    b"\x0d\x06\0\0\0\x0b", b"\x13\x12" + bytes(range(16)), b"\x14\x04\x01\x02",
    b"\x1c\x04\x80\x03", b"\x1c\x04\x01\x2d", b"\x1d\x04\x01\x02", b"\x1d\x07\x01\x02\xaa\xbb\xcc",
    b"\x1d\x03\x01", b"\x22\x02", b"\x22\x0a" + bytes(range(8)), b"\x22\x05\x01\x02\x03",
    b"\xfe\x04\xf9\x89", b"\xfe\x08\xf9\x89\x01\x02\x03\x04", b"\xfe\x04\x12\x34", b"\xfe\x02",
    b"\x63\x02", b"\x63\x05\x01\x02\x03", b"\x01\x00\x02\x04\x05\xb4", b"\x02\x03\x05",
    b"\x02\x05\x05\xb4\x00", b"\x03\x04\x07\x00", b"\x08\x0c" + bytes(10), b"\x05\x0b" + bytes(9),
    b"\x02\x01", b"\x02\x30", b"\x01\x01\x01",
    # MPTCP: capable, join, dss, add-addr, rem-addr, prio, fail, fast-close, unknown, bad.
    b"\x1e\x0c\x01\x81" + bytes(range(8)), b"\x1e\x04\x00\x00", b"\x1e\x0c\x21\x00" + bytes(8),
    b"\x1e\x10\x10\x02" + bytes(range(12)), b"\x1e\x18\x10\x00" + bytes(range(20)),
    b"\x1e\x08\x20\x01\0\0\0\x05", b"\x1e\x14\x20\x05" + bytes(range(16)),
    b"\x1e\x16\x20\x0f" + bytes(range(14)) + b"\x12\x34", b"\x1e\x05\x20\x00\x00",
    b"\x1e\x08\x31\x07\x0a\x00\x00\x09", b"\x1e\x0a\x30\x07\x0a\x00\x00\x09\x1f\x90",
    b"\x1e\x12\x30\x07\x0a\x00\x00\x09\x1f\x90" + bytes(range(8)),
    b"\x1e\x14\x36\x02" + bytes(range(16)), b"\x1e\x16\x30\x02" + bytes(range(16)) + b"\0\x50",
    b"\x1e\x06\x40\x01\x02\x03", b"\x1e\x04\x51\x04", b"\x1e\x03\x50",
    b"\x1e\x0c\x60\x00" + bytes(range(8)), b"\x1e\x0c\x70\x00" + bytes(range(8)),
    b"\x1e\x04\x90\x00", b"\x1e\x02", b"\x1e\x05\x60\x00\x00",
]
seq = 1011
for i, opt in enumerate(options):
    flags = ACK | (SYN if opt[:3] in (b"\x1e\x0c\x01", b"\x1e\x04\x00", b"\x1e\x0c\x21") else 0)
    if opt[:3] == b"\x1e\x10\x10":
        flags = SYN | ACK
    frame(ip4(A, B, tcp(40000, 80, seq, 5001, flags, opt, b"d" * (i % 3))))
    seq += i % 3
# Option lists the capture cut short, in the option kind, its length and its data.
cut_opts = b"\x01\x01\x08\x0a" + bytes(8)
for snap in (14 + 20 + 20 + 1, 14 + 20 + 20 + 3, 14 + 20 + 20 + 6, 14 + 20 + 17):
    frame(ip4(A, B, tcp(40000, 80, seq, 5001, ACK, cut_opts)), snap)
# A datagram longer than its frame; an IP total length of 0; a reset; equal ports both ways.
frame(ip4(A, B, tcp(40000, 80, seq, 5001, ACK | PSH, b"", b"z" * 20), ip_len=20 + 20 + 100))
frame(ip4(A, B, tcp(40000, 80, seq, 5001, ACK, b"", b"q" * 4), ip_len=0))
frame(ip4(B, A, tcp(80, 40000, 5001, 0, RST)))
frame(ip4(B, A, tcp(7000, 7000, 300, 0, SYN)))
frame(ip4(A, B, tcp(7000, 7000, 900, 301, SYN | ACK)))
frame(ip4(B, A, tcp(7000, 7000, 301, 901, ACK, b"", b"r" * 3)))
frame(ip4(A, B, tcp(7000, 7000, 901, 304, ACK | FIN)))
# IPv6: mapped and compatible IPv4 addresses, and an ordinary pair.
mapped = [0] * 10 + [255, 255] + A
compat = [0] * 12 + B
v6a = [0x20, 0x01, 0x0d, 0xb8] + [0] * 11 + [1]
v6b = [0x20, 0x01, 0x0d, 0xb8, 0, 1] + [0] * 9 + [2]
frame(ip6(mapped, compat, tcp(443, 50000, 77, 88, ACK | PSH, b"\x01\x01\x05\x0a" +
                              struct.pack("!II", 100, 200), b"h" * 7)))
frame(ip6(v6a, v6b, tcp(50001, 443, 1, 0, SYN, mss)))
frame(ip6(v6b, v6a, tcp(443, 50001, 9, 2, SYN | ACK, mss)))
frame(ip6(v6a, v6b, tcp(50001, 443, 2, 10, ACK | PSH, b"", b"i" * 5)))

with open(sys.argv[1], "wb") as out:
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for n, whole, cut in frames:
        out.write(struct.pack("<IIII", 1_700_000_000 + n, n * 1000, len(cut), len(whole)) + cut)
