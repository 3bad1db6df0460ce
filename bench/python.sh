#!/bin/bash
# python.sh [OUTDIR] — tcplens.frames(path) against tshark -T fields | pandas.read_csv and against
# the command line's `frames` to /dev/null, in one run, on the captures of make_captures.sh
# (default bulk.pcap and many.pcap in OUTDIR, default /tmp/tcplens-bench). Page cache warm.
#
#   FILES="a b"      captures in OUTDIR
#   RUNS=n           runs of tcplens.frames and of the CLI, the fastest kept (default 3)
#   TSHARK_LIMIT=n   tshark + pandas reads the first n frames (default 100000; tshark does a few
#                    thousand frames/s here), its seconds scaled to the whole file by frames
#   BUILD=dir        the build (default build/ of this repository: tcplens and python/tcplens)
#
# tcplens.frames and tshark + pandas are timed inside one Python (after the imports): from the
# call to the DataFrame in hand. The CLI: wall time of `tcplens frames -q FILE >/dev/null`, with
# its default analysers (all cores for files of 64 MiB or more) and with --threads 1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
outdir=${1:-/tmp/tcplens-bench}
build=${BUILD:-$here/../build}
runs=${RUNS:-3}
limit=${TSHARK_LIMIT:-100000}
files=${FILES:-bulk.pcap many.pcap}
fields=$(sed -n '/-e frame.number/,/ack_rtt/p' "$here/../tests/support/tshark_fields.sh" |
  tr -d '\\' | tr -s ' \n' ' ')

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
best() {  # best CMD...: "wall cpu" seconds of the fastest (wall) of RUNS runs
  local b="1e18 0"
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %U %S' -o "$tmp" "$@" >/dev/null
    b=$(awk -v b="$b" '{ split(b, x, " "); if ($1 < x[1]) print $1, $2 + $3; else print b }' "$tmp")
  done
  echo "$b"
}

printf '| capture | MB | frames | tcplens.frames | tshark+pandas | CLI frames (default) | CLI --threads 1 | x tshark+pandas | / CLI default | / CLI 1 thread |\n'
printf '|---|---|---|---|---|---|---|---|---|---|\n'
for f in $files; do
  path=$outdir/$f
  [[ -r $path ]] || { echo "python.sh: no $path (run bench/make_captures.sh $outdir)" >&2; exit 1; }
  read -r cli cli_cpu < <(best "$build/tcplens" frames -q "$path")
  read -r cli1 cli1_cpu < <(best "$build/tcplens" frames -q --threads 1 "$path")
  read -r frames py py_cpu tshark tshark_cpu < <(PYTHONPATH=$build/python /usr/bin/python3 - "$path" "$runs" "$limit" $fields <<'PY'
import resource, subprocess, sys, time
import pandas as pd
import tcplens
path, runs, limit, fields = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
def cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime
best = (float("inf"), 0)
for _ in range(runs):
    t, c = time.perf_counter(), cpu()
    df = tcplens.frames(path)
    best = min(best, (time.perf_counter() - t, cpu() - c))
rows = len(df)
del df
cmd = ["tshark", "-n", "-r", path, "-c", str(limit), "-Y", "tcp", "-T", "fields", "-E", "header=y",
       "-E", "separator=/t", *fields]
t, c = time.perf_counter(), cpu()
with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as p:
    part = pd.read_csv(p.stdout, sep="\t")
scale = max(rows / max(len(part), 1), 1.0)
print(rows, best[0], best[1], (time.perf_counter() - t) * scale, (cpu() - c) * scale)
PY
)
  mb=$(awk -v b="$(stat -c %s "$path")" 'BEGIN { printf "%.1f", b / 1e6 }')
  # Each time cell: wall seconds (CPU seconds); each ratio: of wall (of CPU) seconds.
  awk -v f="$f" -v mb="$mb" -v n="$frames" -v py="$py" -v ts="$tshark" -v c="$cli" -v c1="$cli1" \
    -v pyc="$py_cpu" -v tsc="$tshark_cpu" -v cc="$cli_cpu" -v c1c="$cli1_cpu" \
    'BEGIN { printf "| %s | %s | %d | %.3f (%.3f) | %.1f (%.1f) | %.3f (%.3f) | %.3f (%.3f) | %.0f (%.0f) | %.2f (%.2f) | %.2f (%.2f) |\n",
             f, mb, n, py, pyc, ts, tsc, c, cc, c1, c1c, ts / py, tsc / pyc, py / c, pyc / cc, py / c1, pyc / c1c }'
done
