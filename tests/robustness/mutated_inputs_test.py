#!/usr/bin/env python3
"""mutated_inputs_test.py TCPLENS CAPTURE... — feeds every command hundreds of damaged variants
of real captures (truncations, bit flips, garbage after a valid header, zeroed and duplicated
ranges, random text) and requires: no crash (no signal), no hang (10 s each), an exit status of
0, 1 or 3, and every stderr line either the end-of-run account or one "tcplens: FILE: reason"
error. Deterministic: the mutations come from a fixed seed."""
import os, random, subprocess, sys, tempfile

tcplens, captures = sys.argv[1], sys.argv[2:]
rng = random.Random(20261127)
COMMANDS = [["frames"], ["frames", "--format", "json"], ["summary", "--json"], ["explain"],
            ["explain", "--lang", "zh"], ["ladder"], ["print"]]


def mutations(data):
    n = len(data)
    yield "truncated-header", data[: rng.randrange(1, 24)]
    for _ in range(4):
        yield "truncated", data[: rng.randrange(24, n)]
    for _ in range(8):
        b = bytearray(data)
        for _ in range(rng.randrange(1, 40)):
            b[rng.randrange(24, n)] ^= 1 << rng.randrange(8)
        yield "bitflips", bytes(b)
    for _ in range(3):
        b = bytearray(data)
        at = rng.randrange(24, n)
        b[at:at + rng.randrange(1, 64)] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
        yield "garbage-inside", bytes(b)
    yield "garbage-after-header", data[:24] + bytes(rng.randrange(256) for _ in range(2000))
    b = bytearray(data)
    at = rng.randrange(24, n)
    b[at:at + 200] = b"\0" * 200
    yield "zeroed", bytes(b)
    at = rng.randrange(24, n)
    yield "duplicated-range", data[:at] + data[at - min(at - 24, 500):]
    yield "absurd-length", data[:24] + b"\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\x7f\xff\xff\xff\x7f" + data[40:]


def text_mutations():
    line = "12:00:00.000001 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S.], seq 1:{}, ack {}, win {}, options [mss {},sack 3 {{1:2}}{{3:4}}{{x:y}},TS val 1 ecr 2,wscale 99], length {}"
    for _ in range(10):
        vals = [rng.choice(["0", "4294967295", "99999999999", "-1", "abc", ""]) for _ in range(5)]
        yield "text", ("\n".join(line.format(*vals) for _ in range(rng.randrange(1, 5))) + "\n").encode()
    yield "text-binary", bytes(rng.randrange(256) for _ in range(3000))


failures = 0
runs = 0
with tempfile.TemporaryDirectory() as tmp:
    cases = []
    for cap in captures:
        data = open(cap, "rb").read()[:300000]
        for kind, blob in mutations(data):
            cases.append((f"{os.path.basename(cap)}-{kind}-{len(cases)}", blob))
    for kind, blob in text_mutations():
        cases.append((f"{kind}-{len(cases)}", blob))
    for name, blob in cases:
        path = os.path.join(tmp, name + ".pcap")
        with open(path, "wb") as f:
            f.write(blob)
        for cmd in COMMANDS:
            runs += 1
            try:
                p = subprocess.run([tcplens] + cmd + [path], capture_output=True, timeout=10)
            except subprocess.TimeoutExpired:
                print(f"HANG  {' '.join(cmd)} {name}")
                failures += 1
                continue
            err = p.stderr.decode("utf-8", "replace").splitlines()
            bad_lines = [l for l in err if not l.startswith("tcplens: ")]
            errors = [l for l in err if l.startswith("tcplens: ") and " frames read, " not in l]
            if p.returncode < 0 or p.returncode not in (0, 1, 3) or bad_lines or len(errors) > 1:
                failures += 1
                print(f"FAIL  {' '.join(cmd)} {name}: exit {p.returncode}; stderr: {err[:3]}")
            elif p.returncode != 0 and not errors:
                failures += 1
                print(f"FAIL  {' '.join(cmd)} {name}: exit {p.returncode} without saying why")
print(f"{runs - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
