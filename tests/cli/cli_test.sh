#!/bin/bash
# cli_test.sh TCPLENS SHARED_DIR — the command line as a user meets it: stdin, several files
# merged by time, BPF filters on files, the end-of-run account, bad input and exit statuses,
# output into a closed pipe.
set -uo pipefail
tcplens=$1 shared=$2 source=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fails=0
check() {  # check NAME CONDITION...
  local name=$1; shift
  if "$@"; then echo "ok   $name"; else echo "FAIL $name"; fails=$((fails + 1)); fi
}
seed=$shared/lab/captures/seed.pcap
bulk=$shared/lab/captures/bulkloss.pcap

"$tcplens" frames -q "$seed" >"$dir/file.tsv"
"$tcplens" frames -q - <"$seed" >"$dir/stdin.tsv"
check "stdin reads like a file" cmp -s "$dir/file.tsv" "$dir/stdin.tsv"
"$tcplens" frames -q <(cat "$seed") >"$dir/pipe.tsv"
check "a pipe (process substitution) reads like a file" cmp -s "$dir/file.tsv" "$dir/pipe.tsv"
"$tcplens" frames -q "$dir/missing.pcap" >"$dir/none.tsv" 2>/dev/null
check "nothing readable: nothing on stdout" test ! -s "$dir/none.tsv"

# The seed split by direction into two files, merged back by time: the same analysis.
tcpdump -r "$seed" -w "$dir/c2s.pcap" 'dst port 9999' 2>/dev/null
tcpdump -r "$seed" -w "$dir/s2c.pcap" 'src port 9999' 2>/dev/null
"$tcplens" frames -q "$dir/s2c.pcap" "$dir/c2s.pcap" >"$dir/merged.tsv"
check "two inputs merge by time into one analysis" cmp -s "$dir/file.tsv" "$dir/merged.tsv"

# A filter after the files, as tcpdump takes it.
"$tcplens" frames -q "$seed" tcp and src port 9999 >"$dir/filtered.tsv"
rows=$(($(wc -l <"$dir/filtered.tsv") - 1))
want=$(tcpdump -r "$seed" 'tcp and src port 9999' 2>/dev/null | wc -l)
check "BPF filter on a file keeps $want frames" test "$rows" -eq "$want"
"$tcplens" frames -q "$seed" 'tcp port (' >/dev/null 2>"$dir/err"; rc=$?
check "bad filter: exit 2" test $rc -eq 2
check "bad filter: one line" test "$(wc -l <"$dir/err")" -eq 1

# The account line: every frame read is analysed or skipped with a reason.
"$tcplens" frames "$shared/real/email_troubles.pcap" >/dev/null 2>"$dir/err"
check "account line" grep -Eq '^tcplens: 360 frames read, 340 TCP frames analysed, 20 skipped \(not TCP [0-9]+(, not IP [0-9]+)?\)$' "$dir/err"
"$tcplens" frames --quiet "$seed" >/dev/null 2>"$dir/err"
check "--quiet prints nothing" test ! -s "$dir/err"
# The JSON outputs end with the same account as their last line, the records before it.
account_is() {  # account_is JSONL FRAMES ANALYSED REASONS_JSON ERRORS_JSON
  python3 - "$@" <<'PY'
import json, sys
path, frames, analysed, reasons, errors = sys.argv[1:]
lines = [json.loads(l) for l in open(path)]
acct = lines[-1]["account"]
assert all("account" not in l for l in lines[:-1])
assert acct["frames_read"] == int(frames) and acct["tcp_analysed"] == int(analysed), acct
assert acct["skipped"] == sum(acct["skipped_by_reason"].values()) == int(frames) - int(analysed)
assert acct["skipped_by_reason"] == json.loads(reasons), acct
assert [(e["reason"], e["offset"]) for e in acct["errors"]] == [tuple(e) for e in json.loads(errors)]
assert acct["interrupted"] is False and acct["kernel"] is None
PY
}
email=$shared/real/email_troubles.pcap
reasons=$("$tcplens" frames "$email" 2>&1 >/dev/null | python3 -c '
import re, sys, json
m = re.search(r"\((.*)\)", sys.stdin.read())
print(json.dumps({k: int(v) for k, v in (p.rsplit(" ", 1) for p in m.group(1).split(", "))}))')
for how in "frames --format json" "frames --threads 2 --format json" "summary --json"; do
  "$tcplens" $how -q "$email" >"$dir/acct.jsonl"
  check "$how: account as the last line" account_is "$dir/acct.jsonl" 360 340 "$reasons" '[]'
done

# Bad inputs: one line naming the file, exit 1 when nothing could be read.
: >"$dir/empty.pcap"
printf 'hello, not a capture\n' >"$dir/text.pcap"
for bad in "$dir/empty.pcap" "$dir/text.pcap" "$dir/missing.pcap" "$dir"; do
  "$tcplens" frames -q "$bad" >/dev/null 2>"$dir/err"; rc=$?
  check "$(basename "$bad"): exit 1" test $rc -eq 1
  check "$(basename "$bad"): one line naming it" \
    bash -c "test \$(wc -l <'$dir/err') -eq 1 && grep -q '^tcplens: $bad: ' '$dir/err'"
done
"$tcplens" frames --no-such-flag "$seed" >/dev/null 2>&1; rc=$?
check "unknown flag: exit 2" test $rc -eq 2
"$tcplens" >/dev/null 2>&1; rc=$?
check "no command: exit 2" test $rc -eq 2

# A capture cut in the middle of a record: what came before is analysed, the error names the
# byte offset, exit 3.
size=$(stat -c %s "$seed")
head -c $((size - 30)) "$seed" >"$dir/cut.pcap"
"$tcplens" frames -q "$dir/cut.pcap" >"$dir/cut.tsv" 2>"$dir/err"; rc=$?
check "cut capture: exit 3" test $rc -eq 3
check "cut capture: rows before the damage" test "$(($(wc -l <"$dir/cut.tsv") - 1))" -eq 21
check "cut capture: offset named" grep -q "cut.pcap: capture cut short in a record.*at byte offset [0-9]" "$dir/err"
offset=$(sed -n 's/.*at byte offset \([0-9]*\).*/\1/p' "$dir/err")
"$tcplens" summary --json -q "$dir/cut.pcap" >"$dir/cut.jsonl"
check "cut capture: the error and its offset in the JSON account" account_is "$dir/cut.jsonl" 21 21 \
  '{}' "[[\"$(sed -n 's/.*cut.pcap: \(.*\) (at byte.*/\1/p' "$dir/err")\", $offset]]"

# gzip-compressed captures (rotated `tcpdump -z gzip` files, `gzip -c x.pcap |`), as tshark reads
# them: the same analysis as the plain file, from a file, stdin, several gzip members one after
# another, a pcapng, and with --threads; a fault of the compression is at an offset of the .gz
# file, a fault of the content at the same offset as in the plain file.
gzip -c "$bulk" >"$dir/bulk.pcap.gz"
"$tcplens" frames -q "$bulk" >"$dir/bulk.tsv"
"$tcplens" frames -q "$dir/bulk.pcap.gz" >"$dir/gz.tsv"
check "gzip file: same rows as the plain file" cmp -s "$dir/bulk.tsv" "$dir/gz.tsv"
"$tcplens" frames -q - <"$dir/bulk.pcap.gz" >"$dir/gz-stdin.tsv"
check "gzip on stdin: same rows as the plain file" cmp -s "$dir/bulk.tsv" "$dir/gz-stdin.tsv"
{ head -c 1 "$dir/bulk.pcap.gz"; sleep 0.2; tail -c +2 "$dir/bulk.pcap.gz"; } |
  "$tcplens" frames -q - >"$dir/gz-slow.tsv"
check "gzip from a pipe that hands over one byte first" cmp -s "$dir/bulk.tsv" "$dir/gz-slow.tsv"
"$tcplens" frames -q --threads 2 "$dir/bulk.pcap.gz" >"$dir/gz-t2.tsv"
check "gzip file, --threads 2: same rows as the plain file" cmp -s "$dir/bulk.tsv" "$dir/gz-t2.tsv"
{ head -c 100000 "$bulk" | gzip; tail -c +100001 "$bulk" | gzip; } >"$dir/members.gz"
"$tcplens" frames -q "$dir/members.gz" >"$dir/members.tsv"
check "two gzip members one after another: one capture" cmp -s "$dir/bulk.tsv" "$dir/members.tsv"
ng=$shared/real/ldap_vlan_v6.pcapng
"$tcplens" summary --json -q "$ng" >"$dir/ng.jsonl"
gzip -c "$ng" | "$tcplens" summary --json -q - >"$dir/ng-gz.jsonl"
check "gzip pcapng through a pipe: same summary" cmp -s "$dir/ng.jsonl" "$dir/ng-gz.jsonl"
gz_size=$(stat -c %s "$dir/bulk.pcap.gz")
head -c $((gz_size / 2)) "$dir/bulk.pcap.gz" >"$dir/half.gz"
"$tcplens" frames -q "$dir/half.gz" >"$dir/half.tsv" 2>"$dir/err"; rc=$?
rows=$(($(wc -l <"$dir/half.tsv") - 1))
gz_at=$(sed -n 's/.*half.gz: gzip data cut short (at byte offset \([0-9]*\))$/\1/p' "$dir/err")
check "gzip cut short: exit 3, the rows before, the offset in the .gz file" \
  bash -c "test $rc -eq 3 && test $rows -gt 0 && test $rows -lt $(($(wc -l <"$dir/bulk.tsv") - 1)) &&
           test -n '$gz_at' && test '$gz_at' -le $((gz_size / 2)) &&
           head -$((rows + 1)) '$dir/bulk.tsv' | cmp -s - '$dir/half.tsv'"
gzip -c "$dir/cut.pcap" >"$dir/cut.pcap.gz"
"$tcplens" frames -q "$dir/cut.pcap.gz" >"$dir/cutgz.tsv" 2>"$dir/err"; rc=$?
check "gzip of a cut capture: exit 3, rows and offset as the plain file's" \
  bash -c "test $rc -eq 3 && cmp -s '$dir/cut.tsv' '$dir/cutgz.tsv' &&
           grep -q 'cut.pcap.gz: gunzipped content: capture cut short in a record.*at byte offset $offset)' '$dir/err'"
printf '\x1f\x8b\x07\x00not deflate' >"$dir/bad.gz"
"$tcplens" frames -q "$dir/bad.gz" >/dev/null 2>"$dir/err"; rc=$?
check "corrupt gzip header: exit 1, one line naming it" \
  bash -c "test $rc -eq 1 && test \$(wc -l <'$dir/err') -eq 1 && grep -q 'bad.gz: corrupt gzip data' '$dir/err'"
gzip -c "$source/README.md" >"$dir/readme.gz"
"$tcplens" frames -q "$dir/readme.gz" >/dev/null 2>"$dir/err"; rc=$?
check "gzip of something else: exit 1, says what is inside" \
  bash -c "test $rc -eq 1 && grep -q 'readme.gz: gunzipped content: not a pcap or pcapng capture' '$dir/err'"

# tcpdump text: the seed's two blocks, merged, analysed directly and after `convert`, agree with
# tshark's analysis of the converted capture.
text="$source/tests/data/seed"
"$tcplens" convert -q "$text/receiver.txt" "$text/sender.txt" -w "$dir/seedtext.pcap"
"$(dirname "$0")/../support/tshark_fields.sh" "$dir/seedtext.pcap" >"$dir/seedtext.ref.tsv"
"$tcplens" frames -q "$text/receiver.txt" "$text/sender.txt" >"$dir/seedtext.tsv"
check "tcpdump text agrees with tshark on the converted capture" \
  python3 "$shared/lab/compare.py" "$dir/seedtext.ref.tsv" "$dir/seedtext.tsv" --show 5
"$tcplens" frames -q - < "$text/sender.txt" >"$dir/stdin-text.tsv"
"$tcplens" frames -q "$text/sender.txt" >"$dir/file-text.tsv"
check "tcpdump text on stdin reads like the file" cmp -s "$dir/stdin-text.tsv" "$dir/file-text.tsv"
check "text rows: 30" test "$(($(wc -l <"$dir/seedtext.tsv") - 1))" -eq 30
"$tcplens" frames -q --date 2018-06-01 "$text/sender.txt" | sed -n 2p >"$dir/dated"
check "--date sets the day" grep -q "^1	152789603" "$dir/dated"

# Graphs: each kind is well-formed SVG with a title, a legend and something drawn.
for kind in tsg rtt throughput; do
  "$tcplens" graph -q "$bulk" --stream 0 --kind $kind -o "$dir/$kind.svg"
  check "graph --kind $kind is SVG with title, legend and data" python3 - "$dir/$kind.svg" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == ns + "svg"
assert root.find(ns + "title").text.startswith("Stream 0")
drawn = [p for p in root.iter(ns + "path") if len(p.get("d", "")) > 20]
dots = list(root.iter(ns + "circle"))
texts = [t.text or "" for t in root.iter(ns + "text")]
assert drawn or dots, "nothing drawn"
assert any("ACK" in t or "goodput" in t for t in texts), "no legend"
PY
done
"$tcplens" graph -q "$bulk" --stream 7 -o "$dir/none.svg" 2>"$dir/err"; rc=$?
check "graph of a missing stream: exit 2" test $rc -eq 2

# --threads: connections sharded over analysers, the same bytes out as one analyser; from a
# file and from a pipe. many10k.pcap's 80 000 frames go round the 16 batches in flight twice.
many10k=$dir/many10k.pcap
python3 "$source/bench/gen_many.py" "$many10k" 10000
for cap in "$bulk" "$shared/real/ftp_crack.pcap" "$shared/real/tls_ciphers.pcap" \
           "$source/tests/data/lab/manyshort.pcap" "$seed" "$many10k"; do
  "$tcplens" frames -q --threads 1 "$cap" >"$dir/t1"
  "$tcplens" frames -q --threads 1 --format json "$cap" >"$dir/j1"
  for t in 2 3 8; do
    "$tcplens" frames -q --threads $t "$cap" >"$dir/tn"
    "$tcplens" frames -q --threads $t --format json "$cap" >"$dir/jn"
    cat "$cap" | "$tcplens" frames -q --threads $t - >"$dir/tp"
    check "--threads $t: same TSV and JSON as one thread, file and pipe ($(basename "$cap"))" \
      bash -c "cmp -s '$dir/t1' '$dir/tn' && cmp -s '$dir/j1' '$dir/jn' && cmp -s '$dir/t1' '$dir/tp'"
  done
done
# summary --threads: the same records, JSON and table, as one analyser; with idle connections
# reported part-way (--idle-timeout 1 s: each shard looks for them at the same moments), and
# from a pipe.
for cap in "$bulk" "$shared/real/espn_fail.pcapng" "$shared/real/ftp_crack.pcap" \
           "$source/tests/data/lab/manyshort.pcap" "$source/tests/data/lab/synretry.pcap" "$many10k"; do
  for idle in 1800 1; do
    "$tcplens" summary -q --json --idle-timeout $idle --threads 1 "$cap" >"$dir/s1"
    "$tcplens" summary -q --idle-timeout $idle --threads 1 "$cap" >"$dir/r1"
    for t in 2 3 8; do
      "$tcplens" summary -q --json --idle-timeout $idle --threads $t "$cap" >"$dir/sn"
      "$tcplens" summary -q --idle-timeout $idle --threads $t "$cap" >"$dir/rn"
      cat "$cap" | "$tcplens" summary -q --json --idle-timeout $idle --threads $t - >"$dir/sp"
      check "summary --threads $t, idle $idle s: same JSON and table, file and pipe ($(basename "$cap"))" \
        bash -c "cmp -s '$dir/s1' '$dir/sn' && cmp -s '$dir/r1' '$dir/rn' && cmp -s '$dir/s1' '$dir/sp'"
    done
  done
done
"$tcplens" summary -q --json --idle-timeout 1 --threads 2 "$shared/real/espn_fail.pcapng" |
  grep -c '"released_idle_at":[0-9]' >"$dir/idle-count"
check "summary --threads 2, idle 1 s: connections reported idle part-way (espn_fail: 16)" \
  test "$(cat "$dir/idle-count")" -eq 16
"$tcplens" frames -q --threads 1 "$bulk" "$shared/real/ftp_crack.pcap" >"$dir/t1"
"$tcplens" frames -q --threads 2 "$bulk" "$shared/real/ftp_crack.pcap" >"$dir/tn"
check "--threads 2: two inputs merged by time, same bytes as one thread" cmp -s "$dir/t1" "$dir/tn"
"$tcplens" frames --threads 2 "$bulk" 2>"$dir/err" | head -1 >/dev/null; rc=${PIPESTATUS[0]}
check "--threads 2 into a closed pipe: exit 0, quietly" bash -c "test $rc -eq 0 && test ! -s '$dir/err'"

# Ctrl-C during a file read: tcplens is held in the middle of the file by a reader that opens the
# pipe but does not read yet (the first 1 MiB of JSON fills the pipe; with --threads, the rows
# of the first batch while the reading thread has all the batches in flight in hand); SIGINT,
# then the reader drains. What was analysed so far is written whole, ending with the account,
# and exit 0. 80 000 frames: more than --threads keeps in flight (16 batches of 2048).
ftp=$many10k
"$tcplens" frames -q --format json "$ftp" | tail -1 >"$dir/all.json"
for threads in 1 2; do
  rm -f "$dir/fifo"; mkfifo "$dir/fifo"
  "$tcplens" frames --threads $threads --format json "$ftp" >"$dir/fifo" 2>"$dir/int.err" &
  pid=$!
  exec 3<"$dir/fifo"
  sleep 0.5
  kill -INT $pid
  cat <&3 >"$dir/int.jsonl"
  exec 3<&-
  wait $pid; rc=$?
  check "Ctrl-C during a file read (--threads $threads): exit 0, account says interrupted" \
    bash -c "test $rc -eq 0 && grep -q '; interrupted\$' '$dir/int.err'"
  check "Ctrl-C during a file read (--threads $threads): whole rows up to the stop, then the account" \
    python3 - "$dir/int.jsonl" "$dir/all.json" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
acct = lines.pop()["account"]
whole = json.load(open(sys.argv[2]))["account"]
numbers = [l["frame.number"] for l in lines]
assert acct["interrupted"] is True, acct
assert 0 < acct["tcp_analysed"] == len(lines) < whole["tcp_analysed"], (acct, whole)
assert acct["frames_read"] < whole["frames_read"], (acct, whole)
assert numbers == sorted(numbers) and numbers[-1] <= acct["frames_read"], "rows out of order"
PY
done

# The terminal (issue 16, point 6): a pty made by script(1) stands for it.
on_tty() { script -qec "$1" /dev/null | tr -d '\r'; }
v6=$shared/real/ldap_vlan_v6.pcapng
# The summary table sized to its columns: every row's cells start under their headers, IPv6
# endpoints included; sizes in k/M/G; a legend for "!".
for cap in "$v6" "$bulk" "$shared/real/espn_fail.pcapng"; do
  "$tcplens" summary -q "$cap" >"$dir/table"
  check "summary table columns line up ($(basename "$cap"))" python3 - "$dir/table" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
head, rows = lines[0], [l for l in lines[1:] if not l.startswith("!:")]
names = ["client", "server", "state", "verdict"]
starts = [head.index(n) for n in names]
for r in rows:
    for n, at in zip(names, starts):
        assert r[at - 1] == " " and r[at] != " ", (n, r)
    assert not r.endswith(" "), r
assert len(rows) >= 1
PY
done
"$tcplens" summary -q "$bulk" >"$dir/table"
# bulkloss: the client sent 3 145 728 bytes of payload (3.1M, never 3145.7k).
check "summary sizes in k/M/G" grep -Eq '^!  +0 .* 3\.1M +2 ' "$dir/table"
check "summary: one legend line for !" test "$(grep -c '^!: a troubled connection' "$dir/table")" -eq 1
"$tcplens" summary -q "$seed" >"$dir/table"
if ! grep -q '^!' "$dir/table"; then
  check "summary: no legend without a marked row" bash -c "! grep -q '^!:' '$dir/table'"
fi
# Colour: on a terminal (auto), never through a pipe or with NO_COLOR or --color never.
esc=$'\033['
on_tty "'$tcplens' print -q '$bulk'" >"$dir/tty"
check "print colours verdicts on a terminal" grep -qF "[${esc}31mTCP Retransmission${esc}0m]" "$dir/tty"
on_tty "NO_COLOR=1 '$tcplens' print -q '$bulk'" >"$dir/tty"
check "print: NO_COLOR" bash -c "! grep -q \$'\\033' '$dir/tty'"
on_tty "'$tcplens' print --color never -q '$bulk'" >"$dir/tty"
check "print: --color never" bash -c "! grep -q \$'\\033' '$dir/tty'"
"$tcplens" print --color always -q "$bulk" >"$dir/tty"
check "print: --color always through a pipe" grep -qF "${esc}31m" "$dir/tty"
"$tcplens" print -q "$bulk" >"$dir/tty"
check "print: no colour through a pipe" bash -c "! grep -q \$'\\033' '$dir/tty'"
on_tty "'$tcplens' summary -q '$bulk'" >"$dir/tty"
check "summary colours a troubled verdict on a terminal" grep -qF "${esc}31mloss-limited${esc}0m" "$dir/tty"
on_tty "'$tcplens' summary --color never -q '$bulk'" >"$dir/tty"
check "summary: --color never" bash -c "! grep -q \$'\\033' '$dir/tty'"
# The progress line: on a terminal's stderr once a run takes 0.25 s (here a pipe that pauses),
# with frames/s and MB/s, cleared at the end; percent of the bytes when the size is known.
python3 - "$dir" <<'PY'
import struct, sys
d = sys.argv[1]
def frame(i):
    tcp = struct.pack("!HHIIBBHHH", 1000 + i % 50, 80, i, 0, 0x50, 0x10, 100, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 0, 0, 64, 6, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return struct.pack("<IIII", 1000 + i // 1000, (i % 1000) * 1000, 40, 40) + ip + tcp
open(f"{d}/head.bin", "wb").write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))
open(f"{d}/part.bin", "wb").write(b"".join(frame(i) for i in range(8192)))
PY
on_tty "(cat '$dir/head.bin' '$dir/part.bin'; sleep 0.6; cat '$dir/part.bin') | '$tcplens' summary - 2>&1 >/dev/null" >"$dir/tty"
check "progress line after 0.25 s, with rates, then cleared" python3 - "$dir/tty" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
drawn = re.findall(r"tcplens: [0-9.]+k frames, [0-9.]+k? frames/s, [0-9.]+ MB/s\x1b\[K", text)
assert drawn, repr(text)
assert "\x1b[K" + "tcplens: 16384 frames read" in text, repr(text)  # cleared before the account
PY
(cat "$dir/head.bin" "$dir/part.bin"; sleep 0.6; cat "$dir/part.bin") | "$tcplens" summary - >/dev/null 2>"$dir/err"
check "no progress line when stderr is not a terminal" bash -c "! grep -q \$'\\033' '$dir/err'"
on_tty "(cat '$dir/head.bin' '$dir/part.bin'; sleep 0.6; cat '$dir/part.bin') | '$tcplens' summary -q - 2>&1 >/dev/null" >"$dir/tty"
check "no progress line with --quiet" test ! -s "$dir/tty"
# Stream numbers with a filter: explain says which numbering its --stream uses.
"$tcplens" explain "$shared/real/espn_fail.pcapng" tcp port 80 --stream 0 >/dev/null 2>"$dir/err"
check "explain --stream with a filter says its numbering" \
  grep -q "^tcplens: explain: stream numbers count the connections in the frames that match 'tcp port 80'$" "$dir/err"
"$tcplens" explain "$shared/real/espn_fail.pcapng" --stream 0 >/dev/null 2>"$dir/err"
check "explain --stream without a filter: no such remark" bash -c "! grep -q 'stream numbers count' '$dir/err'"

# Output into a closed pipe ends at once and quietly.
"$tcplens" frames "$bulk" 2>"$dir/err" | head -1 >/dev/null; rc=${PIPESTATUS[0]}
check "closed pipe: exit 0" test "$rc" -eq 0
check "closed pipe: no message" test ! -s "$dir/err"

[ $fails -eq 0 ]
