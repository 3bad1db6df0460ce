#!/usr/bin/env python3
"""gen_many.py OUT [CONNECTIONS] — a synthetic pcap of many short TCP connections.

Every connection is 8 frames: SYN, SYN/ACK, ACK, a 40-byte request, a 120-byte response (which
acknowledges the request), FIN/ACK from the client, FIN/ACK from the server, the final ACK.
Each one has its own 4-tuple (client 10.a.b.c:port → server 192.168.0.1:80, the client address
and port both vary). Connections run 64 at a time, their frames interleaved, timestamps strictly
increasing (10 µs apart). Ethernet, IPv4 with correct header checksums, TCP without options and
with a zero checksum (neither tshark nor tcpdump checks it by default). Deterministic: the same
arguments give the same bytes.
"""
import struct
import sys

GROUP = 64
SERVER = bytes([192, 168, 0, 1])
SERVER_PORT = 80
REQ, RESP = 40, 120
ETH = bytes.fromhex("020000000002" "020000000001" "0800")  # dst, src, IPv4
ETH_REV = bytes.fromhex("020000000001" "020000000002" "0800")
FIN, SYN, PSH, ACK = 0x01, 0x02, 0x08, 0x10
T0 = 1_767_225_600  # 2026-01-01 00:00:00 UTC


def ip_checksum(hdr):
    s = sum(struct.unpack("!10H", hdr))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(eth, src, dst, sport, dport, seq, ack, flags, payload_len, ip_id):
    total = 20 + 20 + payload_len
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, ip_id & 0xFFFF, 0x4000, 64, 6, 0,
                               src, dst))
    struct.pack_into("!H", ip, 10, ip_checksum(ip))
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 64240, 0, 0)
    return eth + bytes(ip) + tcp + bytes(payload_len)


def connection_frames(i):
    client = bytes([10, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF])
    cport = 1024 + (i * 7919) % 60000
    cisn = (i * 2654435761) & 0xFFFFFFFF
    sisn = (i * 40503 + 12345) & 0xFFFFFFFF
    c, s = cisn, sisn
    m = 0xFFFFFFFF
    up = lambda seq, ack, fl, n, k: frame(ETH, client, SERVER, cport, SERVER_PORT, seq & m, ack & m, fl, n, k)
    down = lambda seq, ack, fl, n, k: frame(ETH_REV, SERVER, client, SERVER_PORT, cport, seq & m, ack & m, fl, n, k)
    return [
        up(c, 0, SYN, 0, 1),
        down(s, c + 1, SYN | ACK, 0, 1),
        up(c + 1, s + 1, ACK, 0, 2),
        up(c + 1, s + 1, PSH | ACK, REQ, 3),
        down(s + 1, c + 1 + REQ, PSH | ACK, RESP, 2),
        up(c + 1 + REQ, s + 1 + RESP, FIN | ACK, 0, 4),
        down(s + 1 + RESP, c + 2 + REQ, FIN | ACK, 0, 3),
        up(c + 2 + REQ, s + 2 + RESP, ACK, 0, 5),
    ]


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 250_000
    ts_us = 0
    with open(out, "wb", buffering=1 << 22) as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for g in range(0, n, GROUP):
            conns = [connection_frames(i) for i in range(g, min(g + GROUP, n))]
            chunks = []
            for k in range(8):
                for frames in conns:
                    data = frames[k]
                    ts_us += 10
                    chunks.append(struct.pack("<IIII", T0 + ts_us // 1_000_000, ts_us % 1_000_000,
                                              len(data), len(data)))
                    chunks.append(data)
            f.write(b"".join(chunks))


if __name__ == "__main__":
    main()
