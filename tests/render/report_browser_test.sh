#!/bin/bash
# report_browser_test.sh TCPLENS INPUT... — renders `tcplens report` of each input (several
# files joined by commas make one input) in headless Chromium: no console error, every graph
# drawn (the page's own script counts the SVGs it can see), a screenshot that is not blank, and
# the structure checked by report_structure.py (story as HTML, no graph for a connection without
# data, legends = series drawn, one colour per series, labels apart; for captures, the grouping
# and the zoom checked against tshark's view of the packets). With REPORT_SHOTS=DIR the
# screenshots are kept there.
set -euo pipefail
tcplens=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
chrome=(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
        --disable-background-networking --disable-component-update --disable-sync
        --user-data-dir="$dir/profile")
for input in "$@"; do
  IFS=, read -r -a files <<<"$input"
  name=$(basename "${files[0]}")
  name=${name%%.*}
  echo "== $input"
  "$tcplens" report --quiet "${files[@]}" -o "$dir/report.html"
  capture=()
  case "${files[0]}" in *.pcap | *.pcapng) [ ${#files[@]} -eq 1 ] && capture=("${files[0]}") ;; esac
  python3 "$here/report_structure.py" "$dir/report.html" "${capture[@]}"
  timeout 120 "${chrome[@]}" --enable-logging=stderr --v=0 --dump-dom "file://$dir/report.html" \
    >"$dir/dom.html" 2>"$dir/console.log"
  if grep -E "CONSOLE.*(Uncaught|Error|error)" "$dir/console.log"; then
    echo "console errors in the report of $input"
    exit 1
  fi
  figures=$(grep -o "<figure[ >]" "$dir/report.html" | wc -l)
  seen=$(grep -o 'data-graphs="[0-9]*"' "$dir/dom.html" | grep -o "[0-9]*" || true)
  echo "figures in the file: $figures; SVGs the page's script found: ${seen:-none}"
  [ "${seen:-0}" -eq "$figures" ]
  # No request to any network: nothing in the file points outside it.
  if grep -Eo "(src|href)=\"(https?:)?//[^\"]*\"" "$dir/report.html"; then
    echo "the report of $input refers to something outside itself"
    exit 1
  fi
  timeout 120 "${chrome[@]}" --hide-scrollbars --screenshot="$dir/shot.png" \
    --window-size=1200,1600 "file://$dir/report.html" 2>/dev/null
  python3 - "$dir/shot.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        width = struct.unpack(">I", body[:4])[0]
    if kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
distinct = len(set(raw[::7]))
print(f"screenshot {width} px wide, {distinct} distinct byte values sampled")
assert distinct > 20, "the screenshot looks blank"
PY
  if [ -n "${REPORT_SHOTS:-}" ]; then cp "$dir/shot.png" "$REPORT_SHOTS/$name.png"; fi
done
echo "reports render: ok"
