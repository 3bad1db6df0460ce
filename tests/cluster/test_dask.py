"""python3 -m tcplens.dask against one machine's `tcplens summary --json` and `tcplens frames`:
the same bytes on stdout (and the same errors and account on stderr) for a rotated set of
captures, with a local cluster, with a dask-scheduler and two dask-worker processes started
here on 127.0.0.1, and with one of those workers killed while the job runs.

The rotated set: shared captures shifted onto one timeline (some overlapping, so connections of
different captures interleave), seed.pcap twice 3 s apart (its 4-tuple reused across files),
merged by time and cut by `editcap -c` into pieces; one piece truncated (damaged)."""
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest

TCPLENS = os.environ["TCPLENS"]
SHARED = os.environ["TCPLENS_SHARED_DIR"]
HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = sys.executable
JOB_TIMEOUT = 240

# (capture, seconds after the set's start): overlapping captures interleave by time.
LAYOUT = [
    ("real/email_troubles.pcap", 0.0),
    ("real/espn_fail.pcapng", 30.0),
    ("lab/captures/seed.pcap", 100.0),
    ("lab/captures/seed.pcap", 112.0),  # starts 3.3 s after the first copy ends
    ("lab/captures/keepalive.pcap", 130.0),
    ("real/ssh_dups.pcap", 131.0),
    ("lab/captures/bulkloss.pcap", 140.0),
]
BASE_EPOCH = 1_700_000_000


def start_of(path):
    out = subprocess.run(["capinfos", "-T", "-r", "-S", "-a", path], capture_output=True,
                         text=True, check=True).stdout
    return float(out.split("\t")[-1])


def make_day(folder):
    """The shifted captures merged into one, and that cut into pieces of 400 frames."""
    shifted = []
    for k, (name, at) in enumerate(LAYOUT):
        src = os.path.join(SHARED, name)
        dst = os.path.join(folder, f"shifted{k}.pcapng")
        subprocess.run(["editcap", "-F", "pcapng", "-t", f"{BASE_EPOCH + at - start_of(src):.6f}",
                        src, dst], check=True)
        shifted.append(dst)
    day = os.path.join(folder, "day.pcapng")
    subprocess.run(["mergecap", "-F", "pcapng", "-w", day, *shifted], check=True)
    rotated = os.path.join(folder, "rotated")
    os.mkdir(rotated)
    subprocess.run(["editcap", "-c", "400", day, os.path.join(rotated, "piece.pcapng")],
                   check=True)
    pieces = sorted(os.path.join(rotated, f) for f in os.listdir(rotated))
    return day, shifted, pieces


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("day"))
    day, shifted, pieces = make_day(folder)
    assert len(pieces) >= 10
    # A damaged piece: the middle one cut inside its last block.
    damaged = os.path.join(folder, "damaged")
    os.mkdir(damaged)
    cut = []
    for k, p in enumerate(pieces):
        dst = os.path.join(damaged, os.path.basename(p))
        data = open(p, "rb").read()
        open(dst, "wb").write(data[:-37] if k == len(pieces) // 2 else data)
        cut.append(dst)
    return {"day": day, "shifted": shifted, "pieces": pieces, "damaged": cut}


def one_machine(command, inputs, *options):
    args = [TCPLENS, command] + (["--json"] if command == "summary" else []) + list(options)
    run = subprocess.run(args + list(inputs), capture_output=True, check=False)
    return run.stdout, run.stderr.decode(), run.returncode


@contextlib.contextmanager
def own_session(args, **kw):
    """Starts a command in a session of its own; whatever happens in the block, the whole session
    is killed if still running, so nothing it started (a local cluster's workers) is left
    behind, and /proc is checked for leftovers."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, **kw)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        assert_session_gone(proc.pid)


def run_group(args, timeout=JOB_TIMEOUT, **kw):
    with own_session(args, **kw) as proc:
        out, err = proc.communicate(timeout=timeout)
    return out, err.decode(), proc.returncode


def assert_session_gone(sid, wait_s=10):
    """No process of session `sid` is left (checked in /proc)."""
    deadline = time.monotonic() + wait_s
    while True:
        left = []
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    if os.getsid(int(pid)) == sid:
                        left.append(pid)
                except (ProcessLookupError, PermissionError):
                    pass
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert not left, f"processes left behind by session {sid}: {left}"


def cluster_cmd(command, inputs, *options):
    return [PYTHON, "-m", "tcplens.dask", command, *options, *inputs]


def without_stats(stderr):
    """tcplens' lines (errors, account): not --stats, nor Dask's own log lines (a loaded machine
    gets warnings from it)."""
    return "".join(l for l in stderr.splitlines(True) if l.startswith("tcplens: "))


def stats_of(stderr):
    line = next(l for l in stderr.splitlines() if l.startswith("tcplens.dask:"))
    return eval(line.split(":", 1)[1], {})  # a dict's repr, written by tcplens.dask


def assert_same(command, inputs, cluster_options, one_options=()):
    want_out, want_err, want_rc = one_machine(command, inputs, *one_options)
    out, err, rc = run_group(cluster_cmd(command, inputs, *cluster_options, *one_options,
                                         "--stats"))
    assert rc == want_rc, err
    assert without_stats(err) == want_err
    assert out == want_out
    return want_out, want_err, stats_of(err)


def tshark_tcp_frames(path):
    """TCP frames tshark reads (from a damaged file: those before the damage)."""
    out = subprocess.run(["tshark", "-r", path, "-Y", "tcp", "-T", "fields", "-e", "frame.number"],
                         capture_output=True, text=True, check=False).stdout
    return len(out.split())


# --- a local cluster ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["summary", "frames"])
def test_local_cluster_equals_one_machine(day, command):
    out, err, stats = assert_same(command, day["pieces"], ["--workers", "2"])
    assert stats["pieces"] == stats["files"] == len(day["pieces"])  # rotated: one task a file
    # The costs bench/cluster.sh reads: bytes that crossed are some of the buckets' bytes; task
    # seconds and phases are there.
    assert 0 <= stats["bytes_between_workers"] <= stats["bytes_shuffled"]
    assert stats["task_s"]["map"] > 0 and stats["task_s"]["reduce"] > 0
    assert all(stats[k] >= 0 for k in ("map_s", "reduce_s", "merge_s", "cluster_start_s"))
    assert stats["client_peak_rss"] > 0 and len(stats["worker_peak_rss"]) == 2
    if command == "frames":  # a row for every TCP frame of the day, counted by tshark
        assert out.decode().count("\n") - 1 == tshark_tcp_frames(day["day"])


def test_damaged_piece_reported_others_analysed(day):
    out, err, stats = assert_same("summary", day["damaged"], ["--workers", "2"])
    damaged = day["damaged"][len(day["damaged"]) // 2]
    assert re.search(re.escape(damaged) + r": .* \(at byte offset \d+\)", err)
    # The pieces after the damaged one are analysed: a row for every TCP frame tshark reads
    # from the pieces (from the damaged one, those before the cut).
    out, err, _ = assert_same("frames", day["damaged"], ["--workers", "2"])
    assert out.decode().count("\n") - 1 == sum(tshark_tcp_frames(p) for p in day["damaged"])


def test_short_timeouts_sweeps_as_one_machine(day):
    # Idle and linger looks every second of capture time: records released by the looks one
    # machine takes, across files.
    assert_same("summary", day["pieces"], ["--workers", "2", "--buckets", "5"],
                ["--idle-timeout", "20", "--linger", "4"])


def test_files_given_out_of_order_and_overlapping(day):
    # One machine merges by time: reversed rotated pieces, and the shifted captures themselves
    # (which overlap: espn_fail inside email_troubles' span), read as it reads them.
    # (Pieces that share a boundary time, given in reverse, overlap by the merge's tie rule: they
    # are read together.)
    assert_same("summary", list(reversed(day["pieces"])), ["--workers", "2"])
    inputs = day["shifted"] + day["pieces"][:3]
    for command in ("summary", "frames"):
        _, _, stats = assert_same(command, inputs, ["--workers", "2"])
        assert stats["pieces"] < stats["files"]  # overlapping files read as one piece


def test_filter_and_bucket_counts(day):
    for buckets in ("1", "3", "8"):
        assert_same("frames", day["pieces"][:6] + ["port", "443"],
                    ["--workers", "2", "--buckets", buckets])


# --- a dask-scheduler and two dask-worker processes ---------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Processes:
    """Processes started by a test, each in a session of its own; all killed at the end."""

    def __init__(self):
        self.procs = []

    def start(self, args, **kw):
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True, **kw)
        self.procs.append(p)
        return p

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        for p in self.procs:
            assert_session_gone(p.pid)


def wait_for_workers(address, n, timeout=60):
    from distributed import Client

    with Client(address, timeout=timeout) as c:
        c.wait_for_workers(n, timeout=timeout)
        return sorted(c.scheduler_info()["workers"])


def executed(address):
    """Per worker: tasks it executed (WorkerState.executed_count)."""
    from distributed import Client

    with Client(address, timeout=30) as c:
        return c.run(lambda dask_worker: dask_worker.state.executed_count)


@pytest.fixture
def cluster(tmp_path):
    """A dask-scheduler and two dask-worker processes (no nanny: a killed worker stays dead) on
    127.0.0.1, each worker's tasks slowed by tests/cluster/slow_tasks.py so that a job lasts long
    enough to lose a worker in the middle."""
    procs = Processes()
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, TCPLENS_TASK_LOG=str(tmp_path / "tasks"))
    os.mkdir(env["TCPLENS_TASK_LOG"])
    try:
        procs.start(["dask-scheduler", "--host", "127.0.0.1", "--port", str(port),
                     "--dashboard-address", ":0", "--no-show"], env=env)
        workers = []
        for name in ("w0", "w1"):
            workers.append(procs.start(
                ["dask-worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                 "--no-nanny", "--name", name, "--no-dashboard",
                 "--preload", os.path.join(HERE, "slow_tasks.py")], env=env))
        wait_for_workers(address, 2)
        yield {"address": address, "workers": workers, "log": env["TCPLENS_TASK_LOG"],
               "env": env}
    finally:
        procs.stop()


def test_scheduler_and_two_workers(day, cluster):
    for command in ("summary", "frames"):
        assert_same(command, day["damaged"], ["--scheduler", cluster["address"]])
    counts = executed(cluster["address"])
    assert len(counts) == 2
    assert all(n > 0 for n in counts.values()), counts  # both workers ran tasks of the jobs


def test_worker_killed_mid_job(day, cluster):
    want_out, want_err, want_rc = one_machine("summary", day["pieces"])
    with own_session(cluster_cmd("summary", day["pieces"], "--scheduler",
                                 cluster["address"])) as proc:
        victim = cluster["workers"][1]
        log = os.path.join(cluster["log"], f"{victim.pid}")
        deadline = time.monotonic() + 60
        # Killed once it has finished two tasks of the job (its results held on it, lost).
        while (not os.path.exists(log) or os.path.getsize(log) < 2) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert proc.poll() is None, "the job ended before the worker could be killed"
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        out, err = proc.communicate(timeout=JOB_TIMEOUT)
    assert proc.returncode == want_rc, err.decode()
    assert without_stats(err.decode()) == want_err
    assert out == want_out
