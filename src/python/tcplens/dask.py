"""tcplens on a Dask cluster: the bytes one machine's `tcplens summary --json` or `tcplens frames`
writes, for inputs read on many (docs/dask.md).

    python3 -m tcplens.dask summary|frames [--scheduler ADDR | --workers N] [-o OUT] INPUTS… [FILTER]

map: a task per input file (files that overlap in time: one task for them all, read merged by
time as one machine merges them) numbers its frames and deals its TCP frames by connection into
buckets, blobs that Dask holds, moves and spills. reduce: a task per bucket runs that bucket's
frames of every piece, in time order and with global frame numbers, through one analyser.
merge: on the client, rows by frame number or records by stream, stream numbers global. Tasks
are pure: a worker lost costs its tasks a rerun and changes nothing.
"""

import argparse
import contextlib
import os
import sys
import time

from . import _tcplens

__all__ = ["run", "main"]

IDLE_TIMEOUT_S = 1800
LINGER_S = 60


# --- tasks (run on the workers; pure functions of their arguments) -----------------------------


def _map(paths, filter, buckets, idle_s, linger_s):
    return _tcplens.cluster_map(list(paths), filter, buckets, float(idle_s), float(linger_s))


def _facts(piece):
    """What the client needs of a piece: all but its buckets (their sizes instead)."""
    facts = {k: v for k, v in piece.items() if k != "buckets"}
    facts["bucket_bytes"] = [len(b) for b in piece["buckets"]]
    return facts


def _bucket(piece, b):
    return piece["buckets"][b]


def _reduce_frames(blobs, places, first_ts, json):
    pieces = [(blob, offset, previous) for blob, (offset, previous) in zip(blobs, places)]
    return _tcplens.cluster_reduce_frames(pieces, first_ts, json)


def _reduce_records(blobs, places, sweeps, idle_s, linger_s):
    pieces = [(blob, offset, previous) for blob, (offset, previous) in zip(blobs, places)]
    return _tcplens.cluster_reduce_records(pieces, sweeps, float(idle_s), float(linger_s))


# --- the client's plan --------------------------------------------------------------------------


def _groups(facts):
    """The files (indices) in the order one machine's merge reads them, as groups: a group's
    files overlap in time (a frame of one comes, merged by time, after the first of another) and
    are read as one piece. Ties in time go to the earlier input, as in the merge."""
    empty = [i for i, f in enumerate(facts) if f is None]
    timed = sorted((f[2], i, f[3]) for i, f in enumerate(facts) if f is not None)
    groups = [[i] for i in empty]
    latest = None  # the latest frame time of the files so far, and the last input holding it
    holder = -1
    for first, i, last in timed:
        if latest is None or latest < first or (latest == first and holder < i):
            groups.append([i])
        else:
            groups[-1].append(i)
        if latest is None or last > latest:
            latest, holder = last, i
        elif last == latest:
            holder = max(holder, i)
    return [sorted(g) for g in groups]


def _sweeps(pieces, offsets):
    """One machine's looks for idle connections: a piece's step entry is one when its step is
    later than every TCP frame's before it (engine/records.hpp, IdleSchedule)."""
    looks = []
    latest = None
    for facts, offset in zip(pieces, offsets):
        for number, ts, step in facts["steps"]:
            if latest is not None and step > latest:
                looks.append((offset + number, ts))
            latest = step if latest is None else max(latest, step)
    return looks


def _error_line(file, reason, offset):
    where = f" (at byte offset {offset})" if offset is not None and offset >= 0 else ""
    return f"tcplens: {file}: {reason}{where}"


class Result:
    """A run's output and its account, as one machine's."""

    def __init__(self):
        self.output = b""
        self.exit_status = 0
        self.frames_read = 0
        self.tcp_analysed = 0
        self.skipped = []
        self.errors = []  # (file, reason, offset), in the order one machine reports them
        self.account_line = ""
        self.nothing_read = False
        self.stats = {}
        self.keys = {}  # task kind -> futures' keys (for --stats' costs)


def run(client, command, inputs, filter="", buckets=None, frame_format="tsv",
        idle_s=IDLE_TIMEOUT_S, linger_s=LINGER_S):
    """Runs `command` ("summary": summary --json; "frames") over `inputs` on the Dask `client`;
    returns a Result whose output is the bytes one machine writes to stdout."""
    if command not in ("summary", "frames"):
        raise ValueError(f"unknown command {command!r}: summary or frames")
    started = time.monotonic()
    files = _tcplens.expand_folders([os.fspath(p) for p in inputs])
    if buckets is None:
        buckets = max(1, 2 * sum(client.nthreads().values()))
    mapped = {}  # tuple of file indices -> (piece future, facts future)

    def submit_map(indices):
        piece = client.submit(_map, [files[i] for i in indices], filter, buckets, idle_s,
                              linger_s, pure=True)
        mapped[tuple(indices)] = (piece, client.submit(_facts, piece, pure=True))

    for i in range(len(files)):
        submit_map([i])
    alone = client.gather([mapped[(i,)][1] for i in range(len(files))])
    result = Result()
    mapped_at = time.monotonic()
    if any(f["exit_status"] == 2 for f in alone):  # the filter
        bad = next(f for f in alone if f["exit_status"] == 2)
        result.exit_status = 2
        result.errors = [e[:3] for e in bad["errors"]]
        result.nothing_read = True
        return result
    groups = _groups([f["files"][0] if f["files"] else None for f in alone])
    for g in groups:
        if len(g) > 1:
            submit_map(g)
    facts = client.gather([mapped[tuple(g)][1] for g in groups])
    regrouped_at = time.monotonic()
    for g in groups:  # files read in a group are not needed alone
        if len(g) > 1:
            for i in g:
                mapped.pop((i,), None)

    # Each piece's place in the whole: frames counted and read before it, the last counted
    # frame's time before it.
    offsets, reads_before, previous = [], [], []
    counted = read = 0
    last_ts = None
    first_ts = None
    for f in facts:
        offsets.append(counted)
        reads_before.append(read)
        previous.append(last_ts)
        counted += f["frames_read"]
        read += f["reads"]
        if f["first_ts"] is not None:
            if first_ts is None:
                first_ts = f["first_ts"]
            last_ts = f["last_ts"]

    # The account, summed; the errors in one machine's order: the inputs that could not be
    # opened (in input order), then the failures as the merge met them (right after the
    # failing file's last frame; at the first read, in input order).
    index = {}
    for i, path in enumerate(files):
        index.setdefault(path, i)
    keyed = []
    for f, before in zip(facts, reads_before):
        last_at = {name: at for name, _, _, _, at in f["files"]}
        for file, reason, offset, opening in f["errors"]:
            i = index.get(file, len(files))
            if opening:
                key = (0, i, 0)
            else:
                at = last_at.get(file, 0)
                key = (1, before + at, i) if at else (1, 0, i)
            keyed.append((key, (file, reason, offset), opening))
    keyed.sort(key=lambda k: k[0])
    result.errors = [e for _, e, _ in keyed]
    damaged = any(not opening for _, _, opening in keyed)
    result.exit_status = 3 if damaged else (1 if keyed else 0)
    result.frames_read = counted
    result.tcp_analysed = sum(f["tcp_analysed"] for f in facts)
    width = max((len(f["skipped"]) for f in facts), default=0)
    result.skipped = [sum(f["skipped"][k] for f in facts) for k in range(width)]
    result.account_line = _tcplens.cluster_account_line(
        result.frames_read, result.tcp_analysed, result.skipped)
    result.nothing_read = result.exit_status == 1 and counted == 0

    # Reduce: a task per bucket over the pieces with TCP frames, then the merge.
    live = [k for k, f in enumerate(facts) if f["tcp_analysed"] > 0]
    places = [(offsets[k], previous[k]) for k in live]
    pieces = [mapped[tuple(groups[k])][0] for k in live]
    sweeps = _sweeps([facts[k] for k in live], [offsets[k] for k in live])
    reduced = []
    result.keys = {"map": [f.key for f, _ in mapped.values()], "inputs": {}}
    for b in range(buckets if live else 0):
        blobs = [client.submit(_bucket, p, b, pure=True) for p in pieces]
        if command == "frames":
            task = client.submit(_reduce_frames, blobs, places, first_ts or 0,
                                 frame_format == "json", pure=True)
        else:
            task = client.submit(_reduce_records, blobs, places, sweeps, idle_s, linger_s,
                                 pure=True)
        reduced.append(task)
        result.keys["inputs"][task.key] = [blob.key for blob in blobs]
    outputs = client.gather(reduced)
    reduced_at = time.monotonic()
    text = _tcplens.cluster_merge(outputs, command == "summary") if outputs else b""
    if command == "frames":
        if counted > 0 or result.exit_status == 0:
            text = _tcplens.cluster_frame_header(frame_format == "json").encode() + text
    elif result.nothing_read:
        text = b""
    result.output = text
    result.stats = {
        "files": len(files),
        "pieces": len(facts),
        "buckets": buckets,
        "map_tasks": len(mapped),
        "reduce_tasks": len(reduced),
        "bytes_shuffled": sum(sum(facts[k]["bucket_bytes"]) for k in live),
        "bytes_merged": sum(len(o) for o in outputs),
        # Wall seconds on the client: map (every file, and overlapping ones again together),
        # reduce (the buckets moved to their reducers and analysed), the merge.
        "map_s": round(regrouped_at - started, 3),
        "reduce_s": round(reduced_at - (regrouped_at if live else mapped_at), 3),
        "merge_s": round(time.monotonic() - reduced_at, 3),
    }
    return result


def _costs(records, keys):
    """Task seconds by kind and the bucket bytes that crossed between workers, from Dask's task
    stream (`records`) of a run whose futures' keys are `keys` (Result.keys)."""
    by_key = {r["key"]: r for r in records if r.get("status") == "OK"}
    kind = {k: "map" for k in keys.get("map", [])}
    kind.update({k: "reduce" for k in keys.get("inputs", {})})
    seconds = {"map": 0.0, "reduce": 0.0, "transfer": 0.0}
    for key, r in by_key.items():
        for step in r["startstops"]:
            if step["action"] == "compute" and key in kind:
                seconds[kind[key]] += step["stop"] - step["start"]
            elif step["action"] == "transfer":
                seconds["transfer"] += step["stop"] - step["start"]
    crossed = 0
    for reduce_key, blob_keys in keys.get("inputs", {}).items():
        at = by_key.get(reduce_key, {}).get("worker")
        for k in blob_keys:
            blob = by_key.get(k)
            if blob is not None and at is not None and blob["worker"] != at:
                crossed += blob["nbytes"]
    return {"task_s": {k: round(v, 3) for k, v in seconds.items()},
            "bytes_between_workers": crossed}


# --- the command line ---------------------------------------------------------------------------


def _split(words):
    """Inputs first (words naming a path that exists), then the filter (the words after), as the
    command line splits them."""
    inputs = []
    for k, w in enumerate(words):
        if w == "-" or not os.path.exists(w):
            return inputs, " ".join(words[k:])
        inputs.append(w)
    return inputs, ""


def _client(args):
    from distributed import Client, LocalCluster

    if args.scheduler:
        return Client(args.scheduler), None
    import logging

    cluster = LocalCluster(n_workers=args.workers or os.cpu_count() or 1, threads_per_worker=1,
                           processes=True, dashboard_address=None,
                           silence_logs=logging.ERROR)
    return Client(cluster), cluster


def _peak_memory(dask_worker=None):
    """This process's own peak RSS in bytes (not its children's: a local cluster's workers)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _executed(dask_worker):
    return dask_worker.state.executed_count


def main(argv=None):
    p = argparse.ArgumentParser(
        prog="python3 -m tcplens.dask",
        description="tcplens summary --json or frames on a Dask cluster, byte for byte as on "
        "one machine")
    p.add_argument("command", choices=["summary", "frames"])
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", help="A running Dask scheduler (tcp://HOST:PORT)")
    where.add_argument("--workers", type=int,
                       help="Start a local cluster of N worker processes (default: the cores)")
    p.add_argument("-o", "--output", help="Write here instead of stdout")
    p.add_argument("--buckets", type=int,
                   help="Reduce tasks (default: twice the workers' threads); the output is the same")
    p.add_argument("--format", choices=["tsv", "json"], default="tsv", help="frames: as tcplens")
    p.add_argument("--idle-timeout", type=float, default=IDLE_TIMEOUT_S)
    p.add_argument("--linger", type=float, default=LINGER_S)
    p.add_argument("-q", "--quiet", action="store_true", help="Nothing on stderr but errors")
    p.add_argument("--stats", action="store_true",
                   help="Tasks, bytes shuffled, per-worker tasks and peak memory on stderr")
    p.add_argument("words", nargs="+", metavar="INPUTS… [FILTER]")
    args = p.parse_args(argv)
    inputs, filter = _split(args.words)
    if not inputs:
        print(f"tcplens: {args.words[0]}: no such file", file=sys.stderr)
        return 1
    begun = time.monotonic()
    client, cluster = _client(args)
    try:
        connected = time.monotonic()
        from distributed import get_task_stream

        with get_task_stream(client) if args.stats else contextlib.nullcontext() as stream:
            result = run(client, args.command, inputs, filter, args.buckets, args.format,
                         args.idle_timeout, args.linger)
        if args.stats:
            result.stats["cluster_start_s"] = round(connected - begun, 3)
            result.stats.update(_costs(stream.data, result.keys))
            result.stats["worker_tasks"] = client.run(_executed)
            result.stats["worker_peak_rss"] = client.run(_peak_memory)
            result.stats["client_peak_rss"] = _peak_memory()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    for e in result.errors:
        print(_error_line(*e), file=sys.stderr)
    if args.output:
        with open(args.output, "wb") as f:
            f.write(result.output)
    else:
        sys.stdout.buffer.write(result.output)
        sys.stdout.buffer.flush()
    if not args.quiet and result.exit_status != 2 and not (
            args.command == "summary" and result.nothing_read):
        print(result.account_line, file=sys.stderr)
    if args.stats:
        print("tcplens.dask:", result.stats, file=sys.stderr)
    return result.exit_status


if __name__ == "__main__":
    from tcplens.dask import main as _main  # tasks pickled by the package's name, not __main__

    sys.exit(_main())
