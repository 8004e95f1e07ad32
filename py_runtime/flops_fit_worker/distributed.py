"""Multi-process runs: one worker made of K ranks that train every run together.

    accelerate launch --multi_gpu --num_processes 2 --main_process_port 0 \
        -m flops_fit_worker.distributed --endpoint ipc:///tmp/ff/router.sock --worker-id w0
    accelerate launch --config_file fsdp.yaml --use_fsdp --num_processes 8 ... -m flops_fit_worker.distributed ...

The arguments after the module are those of `python -m flops_fit_worker`. Accelerate's
launcher starts the K processes (through torch's elastic launcher) and turns the Accelerate
config file, if any, into the environment that each rank's `Accelerator` reads: DDP or FSDP,
chosen by that file, not by code. `--multi_gpu` is Accelerate's name for "K processes of
torch.distributed" and is what starts K gloo ranks on a CPU-only machine too (MULTI_CPU);
`--cpu` would not: with accelerate 1.15 it starts one process unless MPI is set up (measured,
docs/training.md). PartialState sets up the process group: gloo on CPU, NCCL on GPUs, one
GPU per rank (LOCAL_RANK).

Rank 0 is the worker the orchestrator sees: it says hello with `world_size = K`, receives
tasks over ZeroMQ and sends progress and results. Every real `train` task it broadcasts to
the other ranks (torch.distributed.broadcast_object_list), and all ranks run
`training.train` on it together: each takes an equal slice of every global batch (so the
global batch is the single-process batch), gradients are averaged by DDP, and only rank 0's
messages reach the orchestrator. Probes and `--mock` runs stay on rank 0. While idle, rank 0
broadcasts a keep-alive every `KEEPALIVE_S` so the waiting ranks' collectives never time out.

Rank 0 runs the one-process worker's loop (worker.serve) with these two hooks; what
training needs of the group is in collectives.py.
"""
from __future__ import annotations

import os
import sys
import traceback
from typing import Any

import torch
import torch.distributed as dist

from .collectives import broadcast
from .messages import Task

KEEPALIVE_S = 60.0


def _is_group_task(task: Task) -> bool:
    return task["kind"] == "train" and task["mock"] is None


def _share(task: Task | None) -> None:
    """Hand a real train task (or None: stop) to the other ranks before rank 0 runs it."""
    if task is None or _is_group_task(task):
        broadcast(task)


def serve_rank0(channel: Any, world_size: int) -> int:
    """worker.serve, sharing each real train task with the other ranks, keeping them alive while idle."""
    from .worker import serve

    return serve(channel, world_size, share=_share, idle=lambda: broadcast({"type": "keepalive"}), idle_s=KEEPALIVE_S)


def serve_follower(rank: int) -> int:
    """Ranks > 0: run each broadcast train task; their messages go nowhere."""
    from .context import RunContext
    from .training import train

    while True:
        task = broadcast(None)
        if task is None:
            return 0
        if task.get("type") != "task":
            continue  # keep-alive
        ctx = RunContext(task=task, send=lambda message: None, is_cancelled=lambda: False)
        try:
            train(task, ctx)  # rank 0 reports; a cancel reaches us through the loss windows' all-reduce
        except Exception:
            print(f"flops-fit worker rank {rank}: task {task['task_id']} raised:\n{traceback.format_exc()}",
                  file=sys.stderr, flush=True)


def _channel(argv: list[str] | None) -> Any:
    """The rank-0 Channel, from the same command line as `python -m flops_fit_worker`."""
    from .__main__ import make_channel

    return make_channel(argv, prog="flops_fit_worker.distributed")


def main(argv: list[str] | None = None) -> int:
    from accelerate import PartialState

    state = PartialState(cpu=not torch.cuda.is_available())
    rank, world_size = state.process_index, state.num_processes
    if world_size > 1 and not dist.is_initialized():
        raise RuntimeError("flops_fit_worker.distributed: no process group; launch it with "
                           "accelerate launch --multi_gpu --num_processes K -m flops_fit_worker.distributed ...")
    try:
        code = serve_rank0(_channel(argv), world_size) if rank == 0 else serve_follower(rank)
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()
    if rank > 0:
        # A follower has nothing left to finalise (its messages go nowhere), and in the
        # interpreter's finalisation torch's gloo threads made it abort now and then
        # ("terminate called without an active exception", exit -6, no Python frame; 3 of 12
        # two-rank runs on 2 loaded cores), failing the whole group after its work was done.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


if __name__ == "__main__":
    sys.exit(main())
