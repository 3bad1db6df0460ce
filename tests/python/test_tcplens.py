"""`import tcplens` against the command line: the same records, frames and stories, errors that
name the file and offset, and DataFrames whose memory is that of their columns."""
import json
import math
import os
import shutil
import subprocess
import sys
import threading

import numpy as np
import pandas as pd
import pytest

import tcplens
from conftest import CAPTURES, SHARED, SOURCE, TCPLENS, cli

# The columns of `tcplens frames` and what kind each is.
INTEGERS = ["frame.number", "tcp.stream", "tcp.seq", "tcp.ack", "tcp.len"]
REALS = ["frame.time_epoch", "tcp.analysis.rto", "tcp.analysis.ack_rtt"]


def cli_records(*args):
    out, _, _ = cli("summary", "--json", "-q", *args)
    lines = out.splitlines()
    assert not any(line.startswith('{"account"') for line in lines)  # the account goes to stderr
    return [json.loads(line) for line in lines]


def cli_rows(*args, check=True):
    """`tcplens frames` as (header, rows of cells), and its stderr."""
    out, err, _ = cli("frames", "-q", *args, check=check)
    lines = out.split("\n")
    assert lines[-1] == ""
    header = lines[0].split("\t")
    return header, [line.split("\t") for line in lines[1:-1]], err


def assert_frames_equal(df, header, rows):
    """Every cell of the DataFrame is the CLI's cell: integers exactly, flags set where the CLI
    prints something, times the CLI's decimal to within one unit in the last place of a double
    (ns since 1970 do not fit a double), NaN where it prints nothing."""
    assert list(df.columns) == header
    assert len(df) == len(rows)
    if not rows:
        return
    cells = list(zip(*rows))
    for i, name in enumerate(header):
        got = df[name]
        if name in INTEGERS:
            assert got.dtype == np.int64, name
            assert got.tolist() == [int(c) for c in cells[i]], name
        elif name in REALS:
            assert got.dtype == np.float64, name
            want = np.array([float(c) if c else math.nan for c in cells[i]])
            values = got.to_numpy()
            assert np.array_equal(np.isnan(values), np.isnan(want)), name
            ok = ~np.isnan(want)
            assert np.all(np.abs(values[ok] - want[ok]) <= np.abs(np.spacing(want[ok]))), name
        elif name == "tcp.flags.str":
            assert isinstance(got.dtype, pd.CategoricalDtype)
            assert got.astype(str).tolist() == list(cells[i])
        else:
            assert got.dtype == np.bool_, name
            assert got.tolist() == [c != "" for c in cells[i]], name


def test_summary_equals_cli(capture):
    assert list(tcplens.summary(capture)) == cli_records(capture)


def test_frames_equal_cli(capture):
    header, rows, _ = cli_rows(capture)
    assert header == list(tcplens.FRAME_FIELDS)
    assert_frames_equal(tcplens.frames(capture), header, rows)


def test_explain_equals_cli():
    capture = os.path.join(SHARED, "real/espn_fail.pcapng")
    assert tcplens.explain(capture) == cli("explain", "-q", capture)[0]
    assert tcplens.explain(capture, stream=3, lang="zh") == cli(
        "explain", "-q", "--stream", "3", "--lang", "zh", capture)[0]
    with pytest.raises(ValueError, match="no stream 100000"):
        tcplens.explain(capture, stream=100000)


def test_fields_filter_and_inputs(tmp_path):
    a = os.path.join(SHARED, "real/email_troubles.pcap")
    b = os.path.join(SHARED, "real/dupack.pcap")
    some = ["tcp.len", "tcp.stream", "tcp.analysis.duplicate_ack"]
    header, rows, _ = cli_rows(a)
    index = [header.index(f) for f in some]
    assert_frames_equal(tcplens.frames(a, fields=some), some, [[r[i] for i in index] for r in rows])
    with pytest.raises(ValueError, match="tcp.nonsense"):
        tcplens.frames(a, fields=["tcp.len", "tcp.nonsense"])
    # A BPF filter, as the command line takes it after the files.
    espn = os.path.join(SHARED, "real/espn_fail.pcapng")
    header, rows, _ = cli_rows(espn, "host", "203.0.113.94")
    assert 0 < len(rows) < len(cli_rows(espn)[1])
    assert_frames_equal(tcplens.frames(espn, filter="host 203.0.113.94"), header, rows)
    want = cli_records(espn, "host", "203.0.113.94")
    assert len(want) == 9 and list(tcplens.summary(espn, filter="host 203.0.113.94")) == want
    # Several paths are merged by time; a folder stands for the captures in it, by name.
    header, rows, _ = cli_rows(a, b)
    assert_frames_equal(tcplens.frames([a, b]), header, rows)
    shutil.copy(a, tmp_path / "1.pcap")
    shutil.copy(b, tmp_path / "2.pcap")
    (tmp_path / "notes.txt").write_text("not a capture\n")
    assert_frames_equal(tcplens.frames(tmp_path), header, rows)
    assert list(tcplens.summary(str(tmp_path))) == cli_records(a, b)


def test_idle_timeout():
    capture = os.path.join(SHARED, "lab/captures/keepalive.pcap")
    for seconds in (0, 1, 5):
        want = cli_records("--idle-timeout", str(seconds), capture)
        assert list(tcplens.summary(capture, idle_timeout=seconds)) == want


def test_truncated_capture_raises_after_the_frames_before(tmp_path):
    source = os.path.join(SHARED, "real/email_troubles.pcap")
    cut = tmp_path / "cut.pcap"
    data = open(source, "rb").read()
    cut.write_bytes(data[: len(data) // 2])
    header, rows, err = cli_rows(str(cut), check=False)
    # The command line's one line names the offset; the exception carries the same.
    line = [l for l in err.splitlines() if "byte offset" in l]
    assert len(line) == 1, err
    offset = int(line[0].rsplit("byte offset ", 1)[1].rstrip(")"))
    assert 0 < offset < len(data) // 2
    with pytest.raises(tcplens.Error) as caught:
        tcplens.frames(cut)
    e = caught.value
    assert e.file == str(cut) and e.offset == offset
    assert str(cut) in str(e) and f"byte offset {offset}" in str(e)
    assert len(rows) > 100
    assert_frames_equal(e.partial, header, rows)
    # Records: every record the command line prints, then the exception.
    out, _, status = cli("summary", "--json", "-q", str(cut), check=False)
    assert status == 3
    want = [json.loads(l) for l in out.splitlines()]  # records only: the account is on stderr
    got = []
    with pytest.raises(tcplens.Error, match="byte offset"):
        for r in tcplens.summary(cut):
            got.append(r)
    assert got == want and len(got) > 0
    with pytest.raises(tcplens.Error, match="byte offset"):
        tcplens.explain(cut)


def test_missing_and_bad_inputs(tmp_path):
    with pytest.raises(tcplens.Error) as caught:
        tcplens.frames(tmp_path / "nothing.pcap")
    assert caught.value.offset is None and "nothing.pcap" in str(caught.value)
    with pytest.raises(tcplens.Error, match="filter"):
        tcplens.frames(os.path.join(SHARED, "real/dupack.pcap"), filter="tcp port nonsense")
    with pytest.raises(tcplens.Error, match="no capture"):
        tcplens.frames(tmp_path)


MEASURE = r"""
import json, resource, subprocess, sys, threading, time
import tcplens
# The engine's own peak on this capture: the command line's (a child, measured alone).
subprocess.run([sys.argv[3], "frames", "-q", "--threads", "1", sys.argv[1]],
               stdout=subprocess.DEVNULL, check=True)
engine = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
def now():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096
# Touch pandas' lazily loaded parts once, on a small capture, so the bound counts only the big one.
tcplens.frames(sys.argv[2])
before, base = peak(), now()
ticks = [0]
done = threading.Event()
def tick():
    while not done.is_set():
        ticks[0] += 1
        time.sleep(0.001)
t = threading.Thread(target=tick)
t.start()
t0 = ticks[0]
df = tcplens.frames(sys.argv[1])
during = ticks[0] - t0
done.set()
t.join()
print(json.dumps({"rows": len(df), "nbytes": int(df.memory_usage(index=False, deep=True).sum()),
                  "before": before, "base": base, "peak": peak(), "ticks": during,
                  "engine": engine}))
"""


def test_large_dataframe_memory_is_its_columns(many_capture):
    small = os.path.join(SHARED, "real/dupack.pcap")
    run = subprocess.run([sys.executable, "-c", MEASURE, many_capture, small, TCPLENS],
                         capture_output=True, check=True, env=os.environ)
    m = json.loads(run.stdout)
    assert m["rows"] == 880_000  # 8 frames a connection (bench/gen_many.py)
    assert m["nbytes"] > 50 * 2**20
    # The peak above what the process held before: the columns, plus the engine's own memory
    # (its connection table, the reader's window into the capture), bounded by the command
    # line's whole peak on the same capture. A Python object per cell would be several times
    # the columns; growing them by copying, twice.
    growth = m["peak"] - m["base"]
    assert m["engine"] < 100 * 2**20, m  # else the bound below would say little
    assert growth <= 1.10 * m["nbytes"] + m["engine"], m
    # The GIL is released while the engine runs: another thread kept running.
    assert m["ticks"] >= 10, m


def test_large_dataframe_equals_cli(many_capture):
    header, rows, _ = cli_rows(many_capture)
    assert_frames_equal(tcplens.frames(many_capture), header, rows)
