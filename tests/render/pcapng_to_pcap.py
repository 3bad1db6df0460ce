#!/usr/bin/env python3
"""pcapng_to_pcap.py IN OUT: the frames of IN's interfaces of its first interface's link type,
written as a pcap (microsecond times, cut as libpcap cuts them), for tools that refuse IN.

libpcap (so tcpdump) refuses a pcapng whose interfaces differ in snapshot length, and editcap
refuses to write pcap from one whose frames mix link types; the print comparison needs tcpdump's
lines for such captures all the same. Written from the pcapng specification."""
import struct
import sys


def blocks(data):
    at, endian = 0, "<"
    while at + 12 <= len(data):
        kind = struct.unpack_from(endian + "I", data, at)[0]
        if kind == 0x0A0D0D0A:
            endian = "<" if data[at + 8:at + 12] == b"\x4d\x3c\x2b\x1a" else ">"
        length = struct.unpack_from(endian + "I", data, at + 4)[0]
        if length < 12 or at + length > len(data):
            raise SystemExit(f"{sys.argv[1]}: bad block length {length} at byte offset {at}")
        yield kind, endian, data[at + 8:at + length - 4]
        at += length


def tsresol(endian, options):
    at = 0
    while at + 4 <= len(options):
        code, size = struct.unpack_from(endian + "HH", options, at)
        if code == 0:
            break
        if code == 9 and size >= 1:
            v = options[at + 4]
            return 2 ** (v & 0x7F) if v & 0x80 else 10 ** v
        at += 4 + (size + 3) // 4 * 4
    return 10 ** 6


def main():
    data = open(sys.argv[1], "rb").read()
    interfaces, frames, link = [], [], None
    for kind, endian, body in blocks(data):
        if kind == 0x0A0D0D0A:
            interfaces = []
        elif kind == 1:
            lt, _, _snap = struct.unpack_from(endian + "HHI", body)
            interfaces.append((lt, tsresol(endian, body[8:])))
            link = lt if link is None else link
        elif kind == 6:
            iface, hi, lo, caplen, origlen = struct.unpack_from(endian + "IIIII", body)
            lt, per_s = interfaces[iface]
            if lt != link:
                continue
            ts = (hi << 32) | lo
            sec, frac = divmod(ts, per_s)
            usec = frac * 10 ** 6 // per_s
            frames.append(struct.pack("<IIII", sec, usec, caplen, origlen) + body[20:20 + caplen])
    with open(sys.argv[2], "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, link or 1))
        out.writelines(frames)


main()
