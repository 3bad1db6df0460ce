#!/bin/bash
# fields_errors_test.sh TCPLENS CAPTURE — `frames -e` refuses what tshark refuses, with a one-line
# error naming the field or option and exit status 2, writing nothing on stdout; a field tshark
# has but tcplens does not compute gets an error that says so.
set -u
tcplens=$1 capture=$2
fail=0
expect() {  # WANTED-IN-STDERR ARGS...
  local want=$1
  shift
  local out err rc
  out=$("$tcplens" frames -q "$@" "$capture" 2>/tmp/fields_err.$$)
  rc=$?
  err=$(cat /tmp/fields_err.$$)
  rm -f /tmp/fields_err.$$
  if [ $rc -ne 2 ] || [ -n "$out" ] || [[ $err != *"$want"* ]] || [ "$(echo "$err" | wc -l)" -ne 1 ]; then
    echo "FAIL: frames $*: status $rc, stdout ${#out} bytes, stderr: $err (wanted: $want)"
    fail=1
  fi
}
expect "field tcp.nosuch is not a valid field" -e tcp.stream -e tcp.nosuch
expect "field tcp.checksum is one of tshark's that tcplens does not compute" -e tcp.checksum
expect "field eth.src is one of tshark's that tcplens does not compute" -e eth.src
expect '"occurrence=x" is not a valid field output option' -E occurrence=x -e tcp.stream
expect '"foo=1" is not a valid field output option' -E foo=1 -e tcp.stream
expect '"header=maybe" is not a valid field output option' -E header=maybe -e tcp.stream
# tshark agrees that these are refused.
tshark -r "$capture" -T fields -e tcp.nosuch >/dev/null 2>&1 && { echo "FAIL: tshark took tcp.nosuch"; fail=1; }
tshark -r "$capture" -T fields -E occurrence=x -e tcp.stream >/dev/null 2>&1 && { echo "FAIL: tshark took occurrence=x"; fail=1; }
# The same name twice is two columns, as in tshark; -t 1 is forced then (no error).
[ "$("$tcplens" frames -q -e tcp.stream -e tcp.stream "$capture" | head -1)" = "$(printf '0\t0')" ] ||
  { echo "FAIL: -e tcp.stream twice"; fail=1; }
[ $fail -eq 0 ] && echo "all refusals as expected"
exit $fail
