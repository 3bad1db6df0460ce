"""Resends counted straight from the packets, without tcplens: the rule of docs/summary-json.md.

A resend is a segment that takes sequence space (payload, SYN, FIN) and starts below the highest
sequence already seen in its direction; a one-byte segment ending at that highest sequence is a
keep-alive or window probe, not a resend. Streams are tshark's (tcp.stream per frame, given).

Reads pcap (both byte orders, micro- and nanosecond) and pcapng; Ethernet (VLANs), Linux SLL and
SLL2, raw IP, BSD loopback; IPv4 and IPv6 (hop-by-hop, routing, destination options skipped).
"""

import struct
import sys


def frames(path):
    """Yields (link_type, packet bytes) for every frame in file order."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
        link = struct.unpack(e + "I", data[20:24])[0] & 0xFFFF
        off = 24
        while off + 16 <= len(data):
            incl = struct.unpack(e + "I", data[off + 8:off + 12])[0]
            yield link, data[off + 16:off + 16 + incl]
            off += 16 + incl
        return
    if magic != b"\x0a\x0d\x0d\x0a":
        raise ValueError(f"{path}: not a pcap or pcapng file")
    off = 0
    links = []
    e = "<"
    while off + 12 <= len(data):
        btype = struct.unpack(e + "I", data[off:off + 4])[0]
        if btype == 0x0A0D0D0A:
            e = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            links = []
        blen = struct.unpack(e + "I", data[off + 4:off + 8])[0]
        body = data[off + 8:off + blen - 4]
        if btype == 1:
            links.append(struct.unpack(e + "H", body[:2])[0])
        elif btype == 6:
            iface = struct.unpack(e + "I", body[:4])[0]
            cap = struct.unpack(e + "I", body[12:16])[0]
            yield links[iface], body[20:20 + cap]
        elif btype == 3:
            orig = struct.unpack(e + "I", body[:4])[0]
            yield links[0], body[4:4 + min(orig, len(body) - 4)]
        off += blen


def network(link, pkt):
    """(ethertype-like version, offset of the IP header) or None."""
    if link == 1:  # Ethernet, stacked VLANs
        off, etype = 14, struct.unpack(">H", pkt[12:14])[0]
        while etype in (0x8100, 0x88A8, 0x9100):
            etype = struct.unpack(">H", pkt[off + 2:off + 4])[0]
            off += 4
        return etype, off
    if link == 113:
        return struct.unpack(">H", pkt[14:16])[0], 16
    if link == 276:
        return struct.unpack(">H", pkt[0:2])[0], 20
    if link in (101, 12, 14, 228, 229):
        return (0x86DD if pkt[0] >> 4 == 6 else 0x0800), 0
    if link in (0, 108):
        return (0x86DD if pkt[4] >> 4 == 6 else 0x0800), 4
    return None


def tcp_of(link, pkt):
    """(src, dst, sport, dport, seq, flags, payload length) or None."""
    t = tcp_with_ack(link, pkt)
    return None if t is None else t[:7]


def tcp_with_ack(link, pkt):
    """(src, dst, sport, dport, seq, flags, payload length, ack) or None."""
    net = network(link, pkt)
    if net is None:
        return None
    etype, off = net
    if etype == 0x0800 and len(pkt) >= off + 20:
        ihl = (pkt[off] & 15) * 4
        total = struct.unpack(">H", pkt[off + 2:off + 4])[0]
        frag = struct.unpack(">H", pkt[off + 6:off + 8])[0]
        if pkt[off + 9] != 6 or frag & 0x1FFF:
            return None
        src, dst = pkt[off + 12:off + 16], pkt[off + 16:off + 20]
        tcp, end = off + ihl, off + total
    elif etype == 0x86DD and len(pkt) >= off + 40:
        nxt = pkt[off + 6]
        plen = struct.unpack(">H", pkt[off + 4:off + 6])[0]
        src, dst = pkt[off + 8:off + 24], pkt[off + 24:off + 40]
        tcp, end = off + 40, off + 40 + plen
        while nxt in (0, 43, 60):
            nxt, hlen = pkt[tcp], (pkt[tcp + 1] + 1) * 8
            tcp += hlen
        if nxt != 6:
            return None
    else:
        return None
    if len(pkt) < tcp + 20:
        return None
    sport, dport, seq, ack = struct.unpack(">HHII", pkt[tcp:tcp + 12])
    doff = (pkt[tcp + 12] >> 4) * 4
    flags = pkt[tcp + 13]
    return src, dst, sport, dport, seq, flags, max(0, end - tcp - doff), ack


def resends(path, streams):
    """{stream: resends} for the frames whose tshark stream is given (streams[i] for frame i)."""
    return resends_and_segments(path, streams)[0]


def resends_and_segments(path, streams):
    """({stream: resends}, {stream: distinct segments among them}): a distinct segment is a
    distinct (direction, starting sequence number) among the resends, however often resent."""
    out, distinct, _ = scan(path, streams)
    return out, distinct


def data_resends(path, streams):
    """{(stream, src address bytes, sport): resends that carry data} per direction (a resent
    bare SYN or FIN not counted): the diagnosis' `senders.*.data_resends`."""
    return scan(path, streams)[2]


def scan(path, streams):
    """resends_and_segments' two dicts and data_resends' one, in one pass."""
    highest = {}  # (stream, src, sport) -> one past the highest sequence seen
    out = {}
    data = {}  # (stream, src, sport) -> resends with payload
    starts = {}  # stream -> {(src, sport, seq)} of the resends
    tcp_frames = (tcp_of(link, pkt) for link, pkt in frames(path))
    for stream, t in zip(streams, tcp_frames):
        if stream is None or t is None:
            continue
        src, _, sport, _, seq, flags, length = t
        syn, fin = flags & 2 != 0, flags & 1 != 0
        space = length + syn + fin
        if space == 0:
            continue
        key = (stream, src, sport)
        end = (seq + space) & 0xFFFFFFFF
        out.setdefault(stream, 0)
        if key not in highest:
            highest[key] = end
            continue
        top = highest[key]
        below = ((seq - top) & 0xFFFFFFFF) >= 0x80000000
        probe = not syn and not fin and length == 1 and end == top
        if below and not probe:
            out[stream] += 1
            starts.setdefault(stream, set()).add((src, sport, seq))
            if length > 0:
                data[key] = data.get(key, 0) + 1
        if 0 < ((end - top) & 0xFFFFFFFF) < 0x80000000:
            highest[key] = end
    return out, {stream: len(starts.get(stream, ())) for stream in out}, data


def later(a, b):
    """Whether sequence number a is after b (modulo 2^32)."""
    return 0 < ((a - b) & 0xFFFFFFFF) < 0x80000000


def byte_counts(path, streams):
    """{(stream, src address bytes, sport): (bytes, acked bytes)}: the distinct payload bytes of
    each direction, from its first byte (one past its SYN; without a SYN, the lowest payload
    byte captured) to the highest sequence its data reached, and how many of them the peer's
    highest ACK covers. Streams are tshark's, given per frame as for resends()."""
    first = {}  # (stream, src, sport) -> sequence number of the first byte
    syn_seen = set()
    top = {}  # -> one past the highest data byte
    acks = {}  # -> the highest ACK number this direction sent
    for stream, (link, pkt) in zip(streams, frames(path)):
        t = tcp_with_ack(link, pkt) if stream is not None else None
        if t is None:
            continue
        src, _, sport, _, seq, flags, length, ack = t
        key = (stream, src, sport)
        syn = flags & 2 != 0
        if syn and key not in syn_seen:
            syn_seen.add(key)
            first[key] = (seq + 1) & 0xFFFFFFFF
        if flags & 16 and (key not in acks or later(ack, acks[key])):
            acks[key] = ack
        if length == 0:
            continue
        start = (seq + syn) & 0xFFFFFFFF
        if key not in first or (key not in syn_seen and later(first[key], start)):
            first[key] = start
        end = (start + length) & 0xFFFFFFFF
        if key not in top or later(end, top[key]):
            top[key] = end
    out = {}
    for key, base in first.items():
        if key not in top:
            continue
        n = (top[key] - base) & 0xFFFFFFFF
        stream, src, sport = key
        peer = [a for (s, addr, port), a in acks.items()
                if s == stream and (addr, port) != (src, sport)]
        acked = 0
        if peer:
            covered = (peer[0] - base) & 0xFFFFFFFF
            acked = min(covered, n) if covered < 0x80000000 else 0
        out[key] = (n, acked)
    return out


if __name__ == "__main__":
    # pcap_resends.py CAPTURE STREAMS_FILE (one tshark tcp.stream per frame, empty if not TCP)
    with open(sys.argv[2]) as f:
        per_frame = [int(x) if x.strip() else None for x in f.read().split("\n")]
    for stream, n in sorted(resends(sys.argv[1], per_frame).items()):
        print(stream, n)
