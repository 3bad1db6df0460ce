#!/usr/bin/env python3
"""shift_ports.py IN OUT OFFSET — copy a classic pcap, moving every ephemeral TCP port.

Each TCP port >= 32768 (the client side of the lab recordings) becomes
32768 + (port - 32768 + OFFSET) mod 28232, so copies made with different offsets are distinct
TCP connections (different 4-tuples) while the server port (8080) stays as recorded. The TCP
checksum is updated incrementally (RFC 1624), so it stays exactly as right or wrong as it was.
Handles Ethernet, Linux SLL and raw-IP pcap files, IPv4 and IPv6, no IP fragments.
"""
import struct
import sys

EPHEMERAL = 32768
SPAN = 61000 - 32768  # Linux's default ephemeral range size


def shifted(port, offset):
    if port < EPHEMERAL:
        return port
    return EPHEMERAL + (port - EPHEMERAL + offset) % SPAN


def csum_update(csum, old, new):
    # RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m')
    s = (~csum & 0xFFFF) + (~old & 0xFFFF) + new
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip_offset(link, data):
    if link == 1:  # Ethernet, with any VLAN tags
        off, etype = 12, struct.unpack_from(">H", data, 12)[0]
        while etype in (0x8100, 0x88A8):
            off += 4
            etype = struct.unpack_from(">H", data, off)[0]
        return off + 2
    if link == 113:  # Linux cooked
        return 16
    if link in (12, 14, 101, 228, 229):
        return 0
    raise SystemExit(f"shift_ports: link type {link} not handled")


def tcp_offset(data, ip):
    if len(data) < ip + 20:
        return None
    version = data[ip] >> 4
    if version == 4:
        if data[ip + 9] != 6:
            return None
        return ip + (data[ip] & 0x0F) * 4
    if version == 6 and data[ip + 6] == 6:  # no extension headers in the lab recordings
        return ip + 40
    return None


def main():
    src, dst, offset = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(src, "rb") as f:
        buf = bytearray(f.read())
    magic = buf[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise SystemExit("shift_ports: not a classic pcap file")
    link = struct.unpack_from(end + "I", buf, 20)[0] & 0x0FFFFFFF
    pos = 24
    while pos + 16 <= len(buf):
        incl = struct.unpack_from(end + "I", buf, pos + 8)[0]
        start = pos + 16
        frame = memoryview(buf)[start:start + incl]
        tcp = tcp_offset(frame, ip_offset(link, frame))
        if tcp is not None and len(frame) >= tcp + 18:
            sport, dport = struct.unpack_from(">HH", frame, tcp)
            nsport, ndport = shifted(sport, offset), shifted(dport, offset)
            csum = struct.unpack_from(">H", frame, tcp + 16)[0]
            csum = csum_update(csum, sport, nsport)
            csum = csum_update(csum, dport, ndport)
            struct.pack_into(">HH", frame, tcp, nsport, ndport)
            struct.pack_into(">H", frame, tcp + 16, csum)
        pos = start + incl
    with open(dst, "wb") as f:
        f.write(buf)


if __name__ == "__main__":
    main()
