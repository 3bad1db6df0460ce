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
"$tcplens" frames -q -r "$dir/missing.pcap" >"$dir/none.tsv" 2>/dev/null
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
# The account in JSON (--account json), on stderr or in --account-file, never on stdout.
account_is() {  # account_is ACCOUNT_JSON FRAMES ANALYSED REASONS_JSON ERRORS_JSON
  python3 - "$@" <<'PY'
import json, sys
path, frames, analysed, reasons, errors = sys.argv[1:]
lines = open(path).read().splitlines()
assert len(lines) == 1, lines
acct = json.loads(lines[0])["account"]
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
records_only() {  # records_only JSONL: no line of it is an account
  python3 -c 'import json, sys; assert all("account" not in json.loads(l) for l in open(sys.argv[1]))' "$1"
}
for how in "frames --format json" "frames --threads 2 --format json" "summary --json"; do
  "$tcplens" $how --account json "$email" >"$dir/acct.jsonl" 2>"$dir/acct.json"
  check "$how: records only on stdout" records_only "$dir/acct.jsonl"
  check "$how --account json: the account on stderr" account_is "$dir/acct.json" 360 340 "$reasons" '[]'
  "$tcplens" $how -q --account json --account-file "$dir/acct-file.json" "$email" >"$dir/acct2.jsonl" \
    2>"$dir/err"
  check "$how --account-file: the account in the file, same records, nothing on stderr" \
    bash -c "cmp -s '$dir/acct.json' '$dir/acct-file.json' && cmp -s '$dir/acct.jsonl' '$dir/acct2.jsonl' &&
             test ! -s '$dir/err'"
  "$tcplens" $how --account-file "$dir/acct-line" "$email" >/dev/null 2>"$dir/err"
  check "$how --account-file: the text line in the file" \
    bash -c "grep -q '^tcplens: 360 frames read, 340 TCP frames analysed' '$dir/acct-line' && test ! -s '$dir/err'"
done
# JSON Lines as data tools read them: jq counts the records, pandas gets integer columns and no
# row of NaN (the account line would have been one).
for how in "frames --format json" "summary --json"; do
  "$tcplens" $how -q "$email" >"$dir/recs.jsonl"
  check "$how: jq -s length = the number of records" \
    test "$(jq -s length "$dir/recs.jsonl")" -eq "$(grep -c . "$dir/recs.jsonl")"
  check "$how: jq -r reads no null where every record has a value" \
    bash -c "! jq -r '.[\"frame.number\"] // .stream' '$dir/recs.jsonl' | grep -qx null"
  if /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
    check "$how: pandas read_json(lines=True): integer columns stay integer, no NaN row" \
      /usr/bin/python3 - "$dir/recs.jsonl" "$how" <<'PY'
import sys, pandas as pd
df = pd.read_json(sys.argv[1], lines=True)
n = sum(1 for l in open(sys.argv[1]) if l.strip())
assert len(df) == n, (len(df), n)
key = "frame.number" if "frames" in sys.argv[2] else "stream"
assert str(df[key].dtype) == "int64", df[key].dtype
assert not df[key].isna().any()
assert not df.isna().all(axis=1).any(), "a row of nothing but NaN"
if key == "stream":
    assert str(df["frames"].dtype) == "int64", df["frames"].dtype
PY
  else
    echo "note: pandas not installed (python3-pandas): pandas check not run"
  fi
done

# Bad inputs: one line naming the file, exit 1 when nothing could be read.
: >"$dir/empty.pcap"
printf 'hello, not a capture\n' >"$dir/text.pcap"
mkdir "$dir/nocaps"; echo notes >"$dir/nocaps/README"
for bad in "$dir/empty.pcap" "$dir/text.pcap" "$dir/missing.pcap" "$dir/nocaps"; do
  "$tcplens" frames -q -r "$bad" >/dev/null 2>"$dir/err"; rc=$?
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
"$tcplens" summary --json -q --account json --account-file "$dir/cut.json" "$dir/cut.pcap" >/dev/null
check "cut capture: the error and its offset in the JSON account" account_is "$dir/cut.json" 21 21 \
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

# Arguments as tcpdump users give them: inputs are the words that name existing paths (or -, or
# follow -r); the rest is the filter, quoted or not, joined as tcpdump joins it.
espn=$shared/real/espn_fail.pcapng
filtered_count() {  # filtered_count CAPTURE FILTER: frames tcpdump keeps
  tcpdump -nn -r "$1" "$2" 2>/dev/null | wc -l
}
for f in 'host 203.0.113.94' 'net 203.0.113.0/24' 'port 80 and host 203.0.113.94'; do
  want=$(filtered_count "$espn" "$f")
  "$tcplens" summary --account json "$espn" "$f" >/dev/null 2>"$dir/acct.json"; rc=$?
  got=$(jq .account.frames_read "$dir/acct.json")
  check "summary FILE '$f' (quoted) filters: $want frames, exit 0" \
    bash -c "test $rc -eq 0 && test '$got' -eq $want"
  "$tcplens" summary -nn -q -r "$espn" $f >"$dir/r.txt"; rc=$?
  "$tcplens" summary -q "$espn" "$f" >"$dir/q.txt"
  check "summary -nn -r FILE $f (unquoted): the same table" \
    bash -c "test $rc -eq 0 && cmp -s '$dir/r.txt' '$dir/q.txt'"
done
"$tcplens" frames -q -r "$seed" -r "$bulk" >"$dir/rr.tsv"
"$tcplens" frames -q "$seed" "$bulk" >"$dir/pp.tsv"
check "-r repeated: the inputs merged as positional ones" cmp -s "$dir/rr.tsv" "$dir/pp.tsv"
"$tcplens" summary "$espn" "$dir/second.pcap" >"$dir/out" 2>"$dir/err"; rc=$?
check "a word neither an existing path nor a filter: exit 2, nothing on stdout, one line saying both" \
  bash -c "test $rc -eq 2 && test ! -s '$dir/out' && test \$(wc -l <'$dir/err') -eq 1 &&
           grep -q 'neither an input (No such file or directory) nor' '$dir/err'"
"$tcplens" summary "$dir/espn_fail.pcapnx" >/dev/null 2>"$dir/err"; rc=$?
check "a misspelt file name: exit 2, says it is neither an input nor a filter" \
  bash -c "test $rc -eq 2 && grep -q '^tcplens: $dir/espn_fail.pcapnx: neither an input (No such file or directory) nor a filter (' '$dir/err'"
"$tcplens" summary "$dir/espn_fail.pcapnx" 'port 80' >/dev/null 2>"$dir/err"; rc=$?
check "a misspelt file name before a filter: exit 2, names the word" \
  bash -c "test $rc -eq 2 && grep -q '^tcplens: $dir/espn_fail.pcapnx: neither an input .* nor the start of a filter' '$dir/err'"
"$tcplens" summary tcp >/dev/null 2>"$dir/err"; rc=$?
check "a filter with no input: exit 2, says so" \
  bash -c "test $rc -eq 2 && grep -q 'summary: no input (tcp: No such file or directory' '$dir/err'"
"$tcplens" sumary "$seed" >"$dir/out" 2>"$dir/err"; rc=$?
check "misspelt command: exit 2, the usage, the nearest command named" \
  bash -c "test $rc -eq 2 && grep -q '^Usage: tcplens' '$dir/err' &&
           tail -1 '$dir/err' | grep -qx 'tcplens: no command \"sumary\" (did you mean summary?)'"
"$tcplens" -q >/dev/null 2>"$dir/err"; rc=$?
"$tcplens" >/dev/null 2>"$dir/err2"; rc2=$?
check "missing command: exit 2, the usage and the commands" \
  bash -c "test $rc -eq 2 && test $rc2 -eq 2 && grep -q 'a command is required: frames, summary' '$dir/err2'"
"$tcplens" help >"$dir/out" 2>&1; rc=$?
check "tcplens help: the usage, exit 0" bash -c "test $rc -eq 0 && grep -q '^Usage: tcplens' '$dir/out'"
"$tcplens" help summary >"$dir/out" 2>&1; rc=$?
check "tcplens help summary: summary's usage, exit 0" \
  bash -c "test $rc -eq 0 && grep -q '^Usage: summary' '$dir/out' && grep -q -- '--account-file' '$dir/out'"
"$tcplens" help sumary >/dev/null 2>"$dir/err"; rc=$?
check "tcplens help sumary: exit 2, did you mean summary?" \
  bash -c "test $rc -eq 2 && grep -q 'did you mean summary?' '$dir/err'"

# Outputs never overwrite an input: the same file, through a link, in an input folder; refused
# before anything is opened for writing (the input stays byte for byte what it was).
cp "$seed" "$dir/keep.pcap"
sum_before=$(sha256sum <"$dir/keep.pcap")
ln -s keep.pcap "$dir/link.pcap"
mkdir "$dir/in"; cp "$seed" "$dir/in/a.pcap"
for how in "convert $dir/keep.pcap -w $dir/keep.pcap" "convert $dir/keep.pcap -w $dir/link.pcap" \
           "frames $dir/link.pcap -w $dir/keep.pcap" "summary $dir/keep.pcap --account-file $dir/keep.pcap" \
           "report $dir/keep.pcap -o $dir/keep.pcap" "graph $dir/keep.pcap --stream 0 -o $dir/link.pcap" \
           "convert $dir/in -w $dir/in/a.pcap" "convert - -w $dir/keep.pcap"; do
  $tcplens $how <"$dir/keep.pcap" >/dev/null 2>"$dir/err"; rc=$?
  check "refused, input intact: $how" \
    bash -c "test $rc -eq 2 && grep -q 'an output must not overwrite it' '$dir/err' &&
             test \"\$(sha256sum <'$dir/keep.pcap')\" = '$sum_before' && test -L '$dir/link.pcap' &&
             ! ls -a '$dir' '$dir/in' | grep -q tcplens-"
done
# -w on a file input: the frames that passed the filter (TCP or not), as tcpdump -w writes them.
"$tcplens" frames -q "$email" 'src port 25 or udp' -w "$dir/w.pcap" >/dev/null
tcpdump -r "$email" -w "$dir/w-ref.pcap" 'src port 25 or udp' 2>/dev/null
check "frames -w with a filter: tcpdump's frames, same bytes" \
  bash -c "test \$(tcpdump -r '$dir/w.pcap' 2>/dev/null | wc -l) -eq \$(tcpdump -r '$dir/w-ref.pcap' 2>/dev/null | wc -l) &&
           cmp -s <(tcpdump -nn -xx -r '$dir/w.pcap' 2>/dev/null) <(tcpdump -nn -xx -r '$dir/w-ref.pcap' 2>/dev/null)"
for cmd in print summary; do
  "$tcplens" $cmd -q "$email" 'udp' -w "$dir/w-$cmd.pcap" >/dev/null
  check "$cmd -w: writes the filtered frames (udp: non-TCP ones too)" \
    test "$(tcpdump -r "$dir/w-$cmd.pcap" 2>/dev/null | wc -l)" -eq "$(filtered_count "$email" udp)"
done
"$tcplens" convert -q "$email" -w "$dir/all.pcap"
check "convert writes every frame of the input, TCP or not (360)" \
  bash -c "test \$(tcpdump -r '$dir/all.pcap' 2>/dev/null | wc -l) -eq 360 &&
           cmp -s <(tcpdump -nn -xx -r '$dir/all.pcap' 2>/dev/null) <(tcpdump -nn -xx -r '$email' 2>/dev/null)"
"$tcplens" convert -q "$email" 'port 9' -w "$dir/none.pcap"
check "convert with a filter that keeps nothing: still a capture, of no frame" \
  bash -c "test \$(stat -c %s '$dir/none.pcap') -eq 24 && tcpdump -r '$dir/none.pcap' >/dev/null 2>&1"
# A failed write leaves the file that was there: too large a file (ulimit -f, SIGXFSZ ignored)
# fails part-way; the old output stays as it was, no temporary file is left, the error names the
# file and says why.
cp "$seed" "$dir/old.pcap"
old_sum=$(sha256sum <"$dir/old.pcap")
(ulimit -f 100; trap '' XFSZ; exec "$tcplens" convert -q "$bulk" "$bulk" -w "$dir/old.pcap") 2>"$dir/err"; rc=$?
check "write fails part-way (file too large): exit 1, the old file intact, no temporary left" \
  bash -c "test $rc -eq 1 && test \"\$(sha256sum <'$dir/old.pcap')\" = '$old_sum' &&
           ! ls -a '$dir' | grep -q tcplens- && grep -qx 'tcplens: $dir/old.pcap: cannot write: File too large' '$dir/err'"
"$tcplens" convert -q "$seed" -w /dev/full 2>"$dir/err"; rc=$?
check "write to /dev/full: exit 1, names it and says why (No space left on device)" \
  bash -c "test $rc -eq 1 && grep -qx 'tcplens: /dev/full: cannot write: No space left on device' '$dir/err'"
"$tcplens" graph -q "$bulk" --stream 0 -o "$dir/no/such/dir.svg" 2>"$dir/err"; rc=$?
check "graph -o into a missing folder: exit 1, names the file and says why" \
  bash -c "test $rc -eq 1 && grep -qx 'tcplens: $dir/no/such/dir.svg: cannot write: No such file or directory' '$dir/err'"
"$tcplens" convert -q "$seed" -w - | cmp -s - <("$tcplens" convert -q "$seed" -w /dev/stdout)
check "convert -w -: the pcap on stdout" test "${PIPESTATUS[0]}" -eq 0
"$tcplens" convert -q "$seed" -w /dev/null; rc=$?
check "convert -w /dev/null: written in place, /dev/null still a device" \
  bash -c "test $rc -eq 0 && test -c /dev/null"

# Compressed captures (zstd, lz4 frames, xz, bzip2, as gzip): recognised by their first bytes,
# whatever the name, from files and pipes, the same rows as the plain file; several streams one
# after another are one capture; damage in the compressed data names its offset in the file.
"$tcplens" frames -q "$bulk" >"$dir/bulk.tsv"
"$tcplens" summary --json -q "$ng" >"$dir/ng.jsonl"
# lz4, xz and bzip2 in small blocks, so that half a file holds whole blocks, and with checksums
# of their blocks (zstd's frame has one), so that damage is found in the compressed data.
for z in "zstd -q" "lz4 -q -B4 -BX" "xz --block-size=100KiB" "bzip2 -1"; do
  name=${z%% *}
  $z -c "$bulk" >"$dir/bulk.$name"
  "$tcplens" frames -q "$dir/bulk.$name" >"$dir/z.tsv"
  check "$name file: same rows as the plain file" cmp -s "$dir/bulk.tsv" "$dir/z.tsv"
  cp "$dir/bulk.$name" "$dir/noext"
  "$tcplens" frames -q "$dir/noext" >"$dir/z.tsv"
  check "$name file without its extension: same rows" cmp -s "$dir/bulk.tsv" "$dir/z.tsv"
  $z -c "$bulk" | "$tcplens" frames -q - >"$dir/z.tsv"
  check "$name on stdin: same rows" cmp -s "$dir/bulk.tsv" "$dir/z.tsv"
  { head -c 3 "$dir/bulk.$name"; sleep 0.2; tail -c +4 "$dir/bulk.$name"; } | "$tcplens" frames -q - >"$dir/z.tsv"
  check "$name from a pipe that hands over three bytes first: same rows" cmp -s "$dir/bulk.tsv" "$dir/z.tsv"
  "$tcplens" frames -q --threads 2 "$dir/bulk.$name" >"$dir/z.tsv"
  check "$name file, --threads 2: same rows" cmp -s "$dir/bulk.tsv" "$dir/z.tsv"
  { head -c 100000 "$bulk" | $z -c; tail -c +100001 "$bulk" | $z -c; } >"$dir/two.$name"
  "$tcplens" frames -q "$dir/two.$name" >"$dir/z.tsv"
  check "$name: two streams one after another are one capture" cmp -s "$dir/bulk.tsv" "$dir/z.tsv"
  $z -c "$ng" | "$tcplens" summary --json -q - >"$dir/z.jsonl"
  check "$name pcapng through a pipe: same summary" cmp -s "$dir/ng.jsonl" "$dir/z.jsonl"
  size=$(stat -c %s "$dir/bulk.$name")
  head -c $((size / 2)) "$dir/bulk.$name" >"$dir/half.$name"
  "$tcplens" frames -q "$dir/half.$name" >"$dir/half.tsv" 2>"$dir/err"; rc=$?
  rows=$(($(wc -l <"$dir/half.tsv") - 1))
  at=$(sed -n "s/.*half.$name: $name data cut short (at byte offset \([0-9]*\))\$/\1/p" "$dir/err")
  check "$name cut short: exit 3, the rows before, the offset in the compressed file" \
    bash -c "test $rc -eq 3 && test $rows -gt 0 && test -n '$at' && test '$at' -le $((size / 2)) &&
             head -$((rows + 1)) '$dir/bulk.tsv' | cmp -s - '$dir/half.tsv'"
  python3 -c "
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
for i in range(len(b) // 3, len(b) // 3 + 64): b[i] ^= 0x5a
open(sys.argv[2], 'wb').write(b)" "$dir/bulk.$name" "$dir/bad.$name"
  "$tcplens" frames -q "$dir/bad.$name" >/dev/null 2>"$dir/err"; rc=$?
  check "$name with damaged data: exit 3, one line naming the file, the damage and its offset" \
    bash -c "test $rc -eq 3 && test \$(wc -l <'$dir/err') -eq 1 &&
             grep -Eq '^tcplens: $dir/bad.$name: (corrupt $name data|$name data cut short).*\(at byte offset [0-9]+\)\$' '$dir/err'"
  $z -c "$dir/cut.pcap" >"$dir/cut.pcap.$name"
  "$tcplens" frames -q "$dir/cut.pcap.$name" >"$dir/cutz.tsv" 2>"$dir/err"; rc=$?
  check "$name of a cut capture: exit 3, rows and offset as the plain file's" \
    bash -c "test $rc -eq 3 && cmp -s '$dir/cut.tsv' '$dir/cutz.tsv' &&
             grep -q 'cut.pcap.$name: $name-decompressed content: capture cut short in a record.*at byte offset $offset)' '$dir/err'"
done

# A folder: its capture files (rotated names in natural order, compressed or not) merged by
# time as several files are; what is not a capture is left out with one note.
mkdir "$dir/rot"
# Split as tcpdump -C names its files (cap.pcap, cap.pcap1, …, cap.pcap11), 12 parts.
python3 - "$bulk" "$dir/rot/cap.pcap" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
head, at, records = data[:24], 24, []
while at < len(data):
    n = struct.unpack("<I", data[at + 8:at + 12])[0]
    records.append(data[at:at + 16 + n])
    at += 16 + n
per = len(records) // 12 + 1
for k in range(12):
    open(sys.argv[2] + (str(k) if k else ""), "wb").write(head + b"".join(records[k * per:(k + 1) * per]))
PY
check "rotated files made: cap.pcap, cap.pcap1 … cap.pcap11" test "$(ls "$dir/rot" | wc -l)" -eq 12
for f in "$dir"/rot/cap.pcap[2468]; do zstd -q --rm "$f"; done
gzip "$dir/rot/cap.pcap1"
echo "rotated by tcpdump -C" >"$dir/rot/NOTES.txt"
"$tcplens" frames "$dir/rot" >"$dir/rot.tsv" 2>"$dir/err"
check "a folder of rotated, partly compressed files: the same rows as the whole capture" \
  cmp -s "$dir/bulk.tsv" "$dir/rot.tsv"
check "a folder: one note naming what was left out" \
  bash -c "grep -qx 'tcplens: $dir/rot: 1 file not a capture, left out: NOTES.txt' '$dir/err' &&
           test \$(grep -vc ' frames read, ' '$dir/err') -eq 1"
"$tcplens" frames -q "$dir/rot/" >"$dir/rot2.tsv" 2>"$dir/err"
check "a folder with -q: no note" bash -c "cmp -s '$dir/bulk.tsv' '$dir/rot2.tsv' && test ! -s '$dir/err'"

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
# A graph with nothing to draw: espn_fail's stream 2 is 11 unanswered SYNs, no ACK RTT sample
# (tshark counts none either); said on stderr, exit 1, no file written.
espn=$shared/real/espn_fail.pcapng
tshark_rtts=$(tshark -n -r "$espn" -Y "tcp.stream==2 && tcp.analysis.ack_rtt" 2>/dev/null | wc -l)
for kind in rtt tsg throughput; do
  rm -f "$dir/empty.svg"
  "$tcplens" graph -q "$espn" --stream 2 --kind $kind -o "$dir/empty.svg" 2>"$dir/err"; rc=$?
  check "graph --kind $kind with no samples (tshark: $tshark_rtts RTTs): exit 1, said, no file" \
    bash -c "test $tshark_rtts -eq 0 && test $rc -eq 1 && grep -q 'nothing to draw' '$dir/err' \
             && test ! -e '$dir/empty.svg' && test \$(wc -l <'$dir/err') -eq 1"
done

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
"$tcplens" frames -q --format json --account json --account-file "$dir/all.json" "$ftp" >/dev/null
for threads in 1 2; do
  rm -f "$dir/fifo"; mkfifo "$dir/fifo"
  "$tcplens" frames --threads $threads --format json --account-file "$dir/int.json" --account json \
    "$ftp" >"$dir/fifo" 2>"$dir/int.err" &
  pid=$!
  exec 3<"$dir/fifo"
  sleep 0.5
  kill -INT $pid
  cat <&3 >"$dir/int.jsonl"
  exec 3<&-
  wait $pid; rc=$?
  check "Ctrl-C during a file read (--threads $threads): exit 0, account says interrupted" \
    bash -c "test $rc -eq 0 && grep -q '\"interrupted\":true' '$dir/int.json'"
  check "Ctrl-C during a file read (--threads $threads): whole rows up to the stop, the account apart" \
    python3 - "$dir/int.jsonl" "$dir/all.json" "$dir/int.json" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
acct = json.load(open(sys.argv[3]))["account"]
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
