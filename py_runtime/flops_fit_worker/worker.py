"""The persistent worker: say hello, then run tasks until told to stop.

    python -m flops_fit_worker --endpoint ipc:///tmp/ff-xyz/router.sock --worker-id w0

One task at a time on the main thread; the I/O thread (channel.py) keeps heartbeats and
cancellation flowing meanwhile. A task that raises becomes a `task_error` and the worker
takes the next one: it only exits on `shutdown`, or when its orchestrator is gone.
"""
from __future__ import annotations

import os
import platform
import queue
import socket
import sys
import traceback
from typing import Callable

from .channel import Channel
from .context import RunContext
from .messages import Hello, ProbeResult, Task, TaskError, TrainResult, goodbye, task_error
from .protocol import protocol_version
from .models import DataError
from .preflight import TargetMisalignment
from .targets import TargetError
from .tasks import run_probe, run_train


def _versions() -> tuple[str | None, str | None, list[str]]:
    try:
        import torch

        devices = ["cpu"] + [f"cuda:{i}" for i in range(torch.cuda.device_count())]
        torch_version: str | None = torch.__version__
    except ImportError:
        torch_version, devices = None, ["cpu"]
    try:
        import accelerate

        accelerate_version: str | None = accelerate.__version__
    except ImportError:
        accelerate_version = None
    return torch_version, accelerate_version, devices


def hello(worker_id: str, world_size: int) -> Hello:
    torch_version, accelerate_version, devices = _versions()
    return {
        "type": "hello", "protocol_version": protocol_version(), "worker_id": worker_id, "pid": os.getpid(),
        "python_version": platform.python_version(), "torch_version": torch_version,
        "accelerate_version": accelerate_version, "devices": devices, "world_size": world_size,
        "token": os.environ.get("FLOPS_FIT_TOKEN"),
        "host": socket.gethostname(), "slurm_job_id": slurm_job_id(),
        "cuda_visible_devices": os.environ.get("CUDA_VISIBLE_DEVICES"),
    }


def slurm_job_id() -> str | None:
    """The SLURM job this worker runs in (`<array job>_<index>` for an array element); None outside SLURM."""
    array_job, array_task = os.environ.get("SLURM_ARRAY_JOB_ID"), os.environ.get("SLURM_ARRAY_TASK_ID")
    return f"{array_job}_{array_task}" if array_job and array_task else os.environ.get("SLURM_JOB_ID")


def execute(task: Task, channel: Channel, progress_interval_s: float = 1.0) -> ProbeResult | TrainResult | TaskError:
    """Run one task and return the message that answers it (result or task_error)."""
    try:
        if task["kind"] == "probe":
            return run_probe(task)
        ctx = RunContext(task=task, send=channel.send, is_cancelled=lambda: channel.is_cancelled(task["task_id"]),
                         interval_s=task.get("progress_interval_s", progress_interval_s))
        return run_train(task, ctx)
    except TargetError as exc:
        return task_error(task, exc.code, str(exc), None)
    except TargetMisalignment as exc:  # the pre-flight check refused the data/loss pairing
        return task_error(task, "misaligned_targets", str(exc), None)
    except DataError as exc:  # the config's data does not load: its message says why, no traceback needed
        return task_error(task, "data_error", str(exc), None)
    except Exception as exc:  # the worker lives on; the orchestrator decides what to do
        return task_error(task, "exception", f"{type(exc).__name__}: {exc}", traceback.format_exc())


def serve(channel: Channel, world_size: int = 1, share: Callable[[Task | None], None] | None = None,
          idle: Callable[[], None] | None = None, idle_s: float | None = None) -> int:
    """Say hello, then answer tasks one at a time until `shutdown`; the exit status.

    A worker made of several ranks (distributed.py) passes `share`, called with each task
    before it runs and with None when the worker stops, and `idle`, called every `idle_s`
    seconds without a task.
    """
    channel.start()
    channel.send(hello(channel.worker_id, world_size))
    while True:
        try:
            task = channel.tasks.get(timeout=idle_s)
        except queue.Empty:
            if idle is not None:
                idle()
            continue
        if task is None:
            break
        if share is not None:
            share(task)
        channel.current_task = task["task_id"]
        answer = execute(task, channel)
        channel.current_task = None
        channel.send(answer)
    if share is not None:
        share(None)
    channel.send(goodbye("shutdown requested"))
    channel.join(timeout_s=5)
    return 0


def log(message: str) -> None:
    print(f"flops-fit worker: {message}", file=sys.stderr, flush=True)
