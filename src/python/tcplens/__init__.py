"""tcplens: TCP captures analysed as tshark 4.0 analyses them, at C++ speed.

    import tcplens
    df = tcplens.frames("capture.pcap")          # a pandas.DataFrame, one row a TCP frame
    for record in tcplens.summary("capture.pcap"):  # one dict per connection
        print(record["stream"], record["diagnosis"]["verdict"])

Inputs are a path, a list of paths or a folder (its captures, by name); several are merged by
time. A damaged input raises tcplens.Error naming the file and the byte offset, after the frames
before the damage, which the exception carries (docs/api.md).
"""

import json
import os

from . import _tcplens

__all__ = ["Error", "FRAME_FIELDS", "explain", "frames", "summary"]

# The 23 fields of `tcplens frames`, as tshark names them: frames()' default columns.
FRAME_FIELDS = tuple(_tcplens.FRAME_FIELDS)


class Error(Exception):
    """An input that could not be read, or is damaged part-way.

    file: the input; offset: the byte offset of the damage (None when the file could not be
    opened); reason: what is wrong; partial: what was read before the damage (frames(): the
    DataFrame of the frames before it; summary(): None, its records have been yielded).
    """

    def __init__(self, file, reason, offset, partial=None):
        where = f" (at byte offset {offset})" if offset is not None and offset >= 0 else ""
        super().__init__(f"{file}: {reason}{where}")
        self.file = file
        self.reason = reason
        self.offset = offset if offset is not None and offset >= 0 else None
        self.partial = partial


def _paths(inputs):
    if isinstance(inputs, (str, bytes, os.PathLike)):
        inputs = [inputs]
    paths = [os.fsdecode(p) for p in inputs]
    if not paths:
        raise ValueError("no input given")
    return paths


def _raise(error, partial=None):
    if error is not None:
        file, reason, offset = error
        raise Error(file, reason, offset, partial)


def frames(inputs, fields=None, filter=None):
    """The analysed TCP frames as a pandas.DataFrame, one row a frame.

    Columns are named as tshark names the fields (default: FRAME_FIELDS, the columns of
    `tcplens frames`): integers as int64, tcp.analysis.* flags as bool, times in seconds as
    float64 (NaN where tshark prints nothing), tcp.flags.str as a Categorical of its texts.
    An unknown field name raises ValueError. filter: a BPF expression, as tcpdump takes it.
    """
    import pandas as pd

    fields = [] if fields is None else ([fields] if isinstance(fields, str) else list(fields))
    out = _tcplens.frames(_paths(inputs), fields, filter or "")
    data = {}
    for name in out["names"]:
        column = out["columns"][name]
        if isinstance(column, tuple):  # (codes, categories)
            column = pd.Categorical.from_codes(column[0], column[1])
        data[name] = column
    df = pd.DataFrame(data, copy=False)
    _raise(out["error"], df)
    return df


def summary(inputs, filter=None, idle_timeout=None):
    """One dict per TCP connection, in stream order: the records of `tcplens summary --json`
    (docs/summary-json.md). idle_timeout: seconds of capture time after which an idle
    connection is reported and released (default 1800, 0: never). A generator: the engine runs
    when the first record is asked for; a damaged input raises Error after the records."""
    records, error = _tcplens.summary(
        _paths(inputs), filter or "", 1800.0 if idle_timeout is None else float(idle_timeout)
    )
    for text in records:
        yield json.loads(text)
    _raise(error)


def explain(inputs, stream=None, lang="en"):
    """The text of `tcplens explain`: every connection's story, or only `stream`'s (ValueError
    when the input has no such stream); lang "en" or "zh"."""
    text, error = _tcplens.explain(_paths(inputs), stream, lang)
    _raise(error)
    return text
