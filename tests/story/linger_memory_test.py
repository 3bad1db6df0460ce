"""linger_memory_test.py TCPLENS GEN_MANY — a closed connection costs little while it lingers.

50 000 short connections (bench/gen_many.py, made here), all closed within the capture's last
60 s, so with the default linger every one still lingers at the end of the input. The peak
memory beyond `--linger 0`'s (where each record goes as its connection closes), per connection,
must stay under BOUND bytes: the lingering state and the records written at the end, never all
held at once beside the state they come from (StoryBuilder::finish_each). Measured 2026-12-02:
3.0 KB a connection (4.4 KB before finish_each)."""
import os
import subprocess
import sys
import tempfile

CONNECTIONS = 50_000
BOUND = 3_600  # bytes per lingering connection


def peak_rss(args):
    """Peak RSS in bytes of one run of `args` (its stdout discarded)."""
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen(args, stdout=null, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        err = proc.stderr.read().decode()
    if status != 0:
        sys.exit(f"FAIL {' '.join(args)}: exit {status}: {err}")
    return usage.ru_maxrss * 1024


def main(tcplens, gen_many):
    with tempfile.TemporaryDirectory() as tmp:
        capture = os.path.join(tmp, "many.pcap")
        subprocess.run([sys.executable, gen_many, capture, str(CONNECTIONS)], check=True)
        base = [tcplens, "summary", "--json", "-q", "--threads", "1"]
        lingering = peak_rss(base + [capture])
        released = peak_rss(base + ["--linger", "0", capture])
    per = (lingering - released) / CONNECTIONS
    print(f"peak {lingering / 1e6:.1f} MB lingering, {released / 1e6:.1f} MB released as they "
          f"close: {per:.0f} bytes a lingering connection (bound {BOUND})")
    if per > BOUND:
        sys.exit("FAIL: lingering connections cost more than the bound")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
