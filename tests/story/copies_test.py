"""100 time-shifted copies of one transfer in one capture: tshark keeps them in one stream (the
same 4-tuple and ISNs), and so must the record: all frames in it, one record.

copies_test.py TCPLENS CAPTURE (a pcap of one connection)
"""

import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    tcplens, source = sys.argv[1], sys.argv[2]
    with open(source, "rb") as f:
        data = f.read()
    assert data[:4] == b"\xd4\xc3\xb2\xa1", "a little-endian microsecond pcap"
    packets, off = [], 24
    while off + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        packets.append((sec * 1_000_000 + usec, data[off + 16:off + 16 + incl], orig))
        off += 16 + incl
    span = packets[-1][0] - packets[0][0]
    shift = span + 1_000_000  # each copy starts a second after the one before ends
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "copies.pcap")
        with open(out, "wb") as f:
            f.write(data[:24])
            for k in range(100):
                for t, body, orig in packets:
                    t += k * shift
                    f.write(struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(body), orig))
                    f.write(body)
        streams = subprocess.run(["tshark", "-r", out, "-T", "fields", "-e", "tcp.stream"],
                                 check=True, capture_output=True, text=True).stdout.split()
        if set(streams) != {"0"} or len(streams) != 100 * len(packets):
            print("tshark did not see one stream: the test's premise is wrong")
            return 1
        one = subprocess.run([tcplens, "summary", "--json", "--quiet", out], check=True,
                             capture_output=True, text=True).stdout
        two = subprocess.run([tcplens, "summary", "--json", "--quiet", "--threads", "2", out],
                             check=True, capture_output=True, text=True).stdout
        if one != two:
            print("summary --threads 2 differs from one analyser")
            return 1
        return subprocess.run([sys.executable, os.path.join(HERE, "records_check.py"), tcplens,
                               out]).returncode


if __name__ == "__main__":
    sys.exit(main())
