#!/bin/bash
# Builds the seed corpora for the fuzz targets OUTSIDE the repository (captures from ../shared must
# never be committed here). Usage: fuzz/make_corpus.sh [DIR]   (default /tmp/fuzz-corpus)
#   DIR/capture   whole captures under 300 KB, plus the first 8 frames of every capture (any size)
#   DIR/pipeline  the same files (the pipeline target reads a capture too)
#   DIR/decode    single frames: one byte naming the link type (see decode_fuzzer.cpp), then the
#                 frame's captured bytes; the first 40 frames of each capture, distinct only
#   DIR/text      tcpdump text: tests/data/seed/*.txt, and tcpdump's own output (-r, the first 40
#                 frames; plain, -nn, -v, -nn -v) for the captures when tcpdump is installed
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
out="${1:-/tmp/fuzz-corpus}"
case "$(realpath -m "$out")/" in
  "$(realpath "$repo")"/*) echo "make_corpus.sh: $out is inside the repository; pick a folder outside" >&2; exit 2 ;;
esac
mkdir -p "$out/capture" "$out/pipeline" "$out/decode" "$out/text"

sources=("$repo/tests/data/lab" "$repo/examples" "$repo/../shared/lab/captures" "$repo/../shared/real")
captures=()
for dir in "${sources[@]}"; do
  [ -d "$dir" ] || continue
  while IFS= read -r -d '' f; do captures+=("$f"); done \
    < <(find "$dir" -maxdepth 1 -type f \( -name '*.pcap' -o -name '*.pcapng' \) -print0 | sort -z)
done
if [ ${#captures[@]} -eq 0 ]; then echo "make_corpus.sh: no captures found" >&2; exit 1; fi

python3 - "$out" "${captures[@]}" <<'PY'
import hashlib, os, struct, sys

out, paths = sys.argv[1], sys.argv[2:]
MAX_WHOLE = 300 * 1024
HEAD_FRAMES = 8
DECODE_FRAMES = 40
# The index of each link type in decode_fuzzer.cpp's kLinks.
LINKS = {0: 0, 1: 1, 12: 2, 14: 3, 101: 4, 108: 5, 113: 6, 228: 7, 229: 8, 276: 9}

def put(folder, data):
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(out, folder, name), "wb") as f:
        f.write(data)

def pcap_records(data):
    """(link type, [(record bytes incl. header, frame bytes)]) of a pcap file."""
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return None
    link = struct.unpack(e + "I", data[20:24])[0] & 0x0FFFFFFF
    recs, pos = [], 24
    while pos + 16 <= len(data):
        caplen = struct.unpack(e + "I", data[pos + 8:pos + 12])[0]
        end = pos + 16 + caplen
        if end > len(data):
            break
        recs.append((data[pos:end], data[pos + 16:end]))
        pos = end
    return link, recs

def pcapng_blocks(data):
    """[(block type, block bytes, link type or None, frame bytes or None)] of a pcapng file."""
    blocks, pos, e, links = [], 0, "<", []
    while pos + 12 <= len(data):
        btype = struct.unpack("<I", data[pos:pos + 4])[0]
        if btype == 0x0A0D0D0A:
            e = "<" if data[pos + 8:pos + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            links = []
        btype, blen = struct.unpack(e + "II", data[pos:pos + 8])
        if blen < 12 or pos + blen > len(data):
            break
        block = data[pos:pos + blen]
        link = frame = None
        if btype == 1:
            links.append(struct.unpack(e + "H", block[8:10])[0])
        elif btype == 6 and len(block) >= 32:
            itf, caplen = struct.unpack(e + "I", block[8:12])[0], struct.unpack(e + "I", block[20:24])[0]
            if itf < len(links):
                link, frame = links[itf], block[28:28 + caplen]
        elif btype == 3 and len(block) >= 16 and links:
            wire = struct.unpack(e + "I", block[8:12])[0]
            link, frame = links[0], block[12:12 + min(wire, blen - 16)]
        blocks.append((btype, block, link, frame))
        pos += blen
    return blocks

seen = set()
for path in paths:
    data = open(path, "rb").read()
    if len(data) <= MAX_WHOLE:
        put("capture", data)
        put("pipeline", data)
    frames = []
    parsed = pcap_records(data)
    if parsed is not None:
        link, recs = parsed
        head = data[:24] + b"".join(r for r, _ in recs[:HEAD_FRAMES])
        frames = [(link, f) for _, f in recs[:DECODE_FRAMES]]
    else:
        blocks = pcapng_blocks(data)
        head, n = b"", 0
        for btype, block, link, frame in blocks:
            if frame is not None:
                if len(frames) < DECODE_FRAMES:
                    frames.append((link, frame))
                n += 1
                if n > HEAD_FRAMES:
                    continue
            head += block
    put("capture", head)
    put("pipeline", head)
    for link, frame in frames:
        if link not in LINKS:
            continue
        seed = bytes([LINKS[link]]) + frame
        if seed not in seen:
            seen.add(seed)
            put("decode", seed)

# Every link type gets seeds: the IP datagrams of some Ethernet frames wrapped in each link header.
wrapped = {b"\x08\x00": 0, b"\x86\xdd": 0}  # 12 IPv4 and 12 IPv6 datagrams
for seed in sorted(seen):
    if seed[0] != LINKS[1] or len(seed) < 15 or wrapped.get(seed[13:15], 12) >= 12:
        continue
    ethertype, ip = seed[13:15], seed[15:]
    v6 = ethertype == b"\x86\xdd"
    wrapped[ethertype] += 1
    variants = {
        0: struct.pack("<I", 30 if v6 else 2) + ip,                       # BSD loopback
        12: ip, 14: ip, 101: ip,                                          # raw IP
        108: struct.pack(">I", 24 if v6 else 2) + ip,                     # OpenBSD loop
        113: b"\x00\x00\x00\x01\x00\x06" + seed[7:13] + b"\x00\x00" + ethertype + ip,  # SLL
        229 if v6 else 228: ip,                                           # IPv4 / IPv6
        276: ethertype + b"\x00\x00" + b"\x00\x00\x00\x02" + b"\x00\x01\x00\x06"
             + seed[7:13] + b"\x00\x00" + ip,                           # SLL2
        1: seed[1:13] + b"\x81\x00\x00\x64" + ethertype + ip,         # Ethernet + VLAN
    }
    for link, frame in variants.items():
        put("decode", bytes([LINKS[link]]) + frame)
PY
cp "$repo"/tests/data/seed/*.txt "$out/text/" 2>/dev/null || true
if command -v tcpdump >/dev/null; then
  for f in "${captures[@]}"; do
    [ "$(stat -c %s "$f")" -le $((300 * 1024)) ] || continue
    base="$(basename "$f")"
    i=0
    for flags in "" "-nn" "-v" "-nn -v"; do
      # shellcheck disable=SC2086  # the flags are words
      tcpdump $flags -r "$f" -c 40 > "$out/text/$base.$i.txt" 2>/dev/null || true
      i=$((i + 1))
    done
  done
fi
for d in capture pipeline decode text; do
  echo "$out/$d: $(ls "$out/$d" | wc -l) files, $(du -sh "$out/$d" | cut -f1)"
done
