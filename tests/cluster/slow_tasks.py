"""A dask-worker --preload for tests/cluster/test_dask.py: each task this worker computes takes
0.1 s longer, and is logged (a byte per task in $TCPLENS_TASK_LOG/<the worker's pid>), so that a
test can kill the worker once it holds results of a job that is still running."""
import os
import time

from distributed import WorkerPlugin


class SlowTasks(WorkerPlugin):
    name = "tcplens-slow-tasks"

    def transition(self, key, start, finish, **kwargs):
        if start == "executing" and finish == "memory":
            time.sleep(0.1)
            with open(os.path.join(os.environ["TCPLENS_TASK_LOG"], str(os.getpid())), "ab") as f:
                f.write(b".")


async def dask_setup(worker):
    await worker.plugin_add(SlowTasks())
