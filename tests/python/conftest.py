"""Shared inputs of the tcplens module's tests: the command line (TCPLENS), the shared captures
(TCPLENS_SHARED_DIR) and the repository (TCPLENS_SOURCE_DIR), set by ctest."""
import glob
import os
import subprocess

import pytest

TCPLENS = os.environ["TCPLENS"]
SHARED = os.environ["TCPLENS_SHARED_DIR"]
SOURCE = os.environ["TCPLENS_SOURCE_DIR"]


def shared_captures():
    found = []
    for pattern in ("real/*.pcap", "real/*.pcapng", "lab/captures/*.pcap"):
        found += sorted(glob.glob(os.path.join(SHARED, pattern)))
    found += sorted(glob.glob(os.path.join(SOURCE, "tests/data/lab/*.pcap")))
    return found


CAPTURES = shared_captures()


def cli(*args, check=True):
    """The command line's stdout and stderr (text), -q added."""
    run = subprocess.run([TCPLENS, *args], capture_output=True, check=False)
    if check and run.returncode != 0:
        raise AssertionError(f"tcplens {' '.join(args)}: {run.returncode}: {run.stderr.decode()}")
    return run.stdout.decode(), run.stderr.decode(), run.returncode


def pytest_generate_tests(metafunc):
    if "capture" in metafunc.fixturenames:
        assert len(CAPTURES) >= 20, "the shared captures are missing"
        metafunc.parametrize("capture", CAPTURES, ids=[os.path.basename(c) for c in CAPTURES])


@pytest.fixture(scope="session")
def many_capture(tmp_path_factory):
    """A large generated capture (bench/gen_many.py): 110 000 short connections, 880 000
    frames, about 80 MB, made once per run."""
    path = tmp_path_factory.mktemp("many") / "many.pcap"
    subprocess.run(["python3", os.path.join(SOURCE, "bench/gen_many.py"), str(path), "110000"],
                   check=True)
    return str(path)
