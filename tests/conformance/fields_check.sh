#!/bin/bash
# fields_check.sh TCPLENS CAPTURE [--json] [-E OPTION …] — tshark 4.0 writes every field tcplens
# computes (tcp_fields.txt) for the capture's TCP frames with these -E options (default: header=y
# occurrence=a); `tcplens frames -e …` must write the same, field by field (times within 2 µs),
# with one analyser and with two. --json: tcplens writes `--format json`, read back as text.
set -euo pipefail
here=$(dirname "$0")
tcplens=$1 capture=$2
shift 2
format=tsv
if [ "${1:-}" = --json ]; then
  format=json
  shift
fi
options=("$@")
[ ${#options[@]} -gt 0 ] || options=(-E header=y -E occurrence=a)
fields=()
while read -r f; do fields+=(-e "$f"); done <"$here/tcp_fields.txt"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
tshark -n -r "$capture" -Y tcp -T fields "${options[@]}" "${fields[@]}" >"$dir/ref" 2>"$dir/err" || {
  cat "$dir/err" >&2
  exit 1
}
# The comparison's view of the options.
args=(--fields "$here/tcp_fields.txt")
[ $format = tsv ] || args+=(--json)
for ((i = 1; i < ${#options[@]}; i += 2)); do
  case ${options[i]} in
    header=y) args+=(--header) ;;
    separator=/s) args+=(--separator ' ') ;;
    separator=/t) ;;
    separator=*) args+=(--separator "${options[i]:10:1}") ;;
    aggregator=/s) args+=(--aggregator ' ') ;;
    aggregator=*) args+=(--aggregator "${options[i]:11:1}") ;;
    quote=d) args+=(--quote '"') ;;
    quote=s) args+=(--quote "'") ;;
  esac
done
status=0
for threads in 1 2; do
  if [ $format = tsv ]; then
    "$tcplens" frames --quiet --threads $threads "${options[@]}" "${fields[@]}" "$capture" >"$dir/out"
  else
    "$tcplens" frames --quiet --threads $threads --format json "${fields[@]}" "$capture" >"$dir/out"
  fi
  echo "== --threads $threads"
  python3 "$here/compare_fields.py" "$dir/ref" "$dir/out" "${args[@]}" --show 20 || status=1
done
exit $status
