"""Multi-process runs: a worker group started by `accelerate launch` (gloo on CPU) trains like one process."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
import torch
import zmq
from conftest import ROOT, Recorder, make_task

from flops_fit_worker.data_utils import shard_batches
from flops_fit_worker.protocol import check_outgoing
from flops_fit_worker.training import train


def test_shard_batches_gives_each_rank_an_equal_slice_of_the_global_batch() -> None:
    batches = [(torch.arange(8).view(8, 1), torch.arange(8)), ({"x": torch.arange(8)}, None)]
    rank0, rank1 = list(shard_batches(iter(batches), 0, 2)), list(shard_batches(iter(batches), 1, 2))
    assert rank0[0][1].tolist() == [0, 1, 2, 3] and rank1[0][1].tolist() == [4, 5, 6, 7]
    assert rank1[1][0]["x"].tolist() == [4, 5, 6, 7] and rank1[1][1] is None
    with pytest.raises(ValueError, match="batch_size 9 is not divisible by world_size 2"):
        next(shard_batches(iter([(torch.zeros(9), torch.zeros(9))]), 0, 2))


def receive(router: zmq.Socket, until: set[str], timeout_s: float) -> list[dict[str, Any]]:
    """Messages from the worker (heartbeats dropped) up to the first whose type is in `until`."""
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if router.poll(200):
            _identity, frame = router.recv_multipart()
            message = json.loads(frame)
            if message["type"] != "heartbeat":
                messages.append(message)
                if message["type"] in until:
                    return messages
    raise TimeoutError(f"no {until} message within {timeout_s}s; got {[m['type'] for m in messages]}")


def accelerate_launch(processes: int, *extra: str) -> list[str]:
    """The command the orchestrator runs for a K-rank worker (src/scheduler/worker-process.ts)."""
    return [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", str(processes),
            "--num_machines", "1", "--main_process_port", "0", "--mixed_precision", "no", "--dynamo_backend", "no",
            *extra, "--module", "flops_fit_worker.distributed"]


def test_two_gloo_ranks_under_accelerate_launch_match_one_process_with_the_same_global_batch(corpus_file: Path) -> None:
    task = make_task(corpus_file, n_tokens=12 * 128)  # 12 steps of a global batch of 8 sequences of 16
    # The same run again with each rank's 4 sequences in 2 micro-batches (DDP skips the
    # gradient all-reduce of the first).
    accumulated = make_task(corpus_file, n_tokens=12 * 128, task_id="t-2", training={"micro_batch_size": 2})
    single = train(task, Recorder(task).ctx)

    folder = tempfile.mkdtemp(prefix="ffd")  # ipc paths must stay short
    endpoint = f"ipc://{folder}/router.sock"
    context = zmq.Context.instance()
    router = context.socket(zmq.ROUTER)
    router.bind(endpoint)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "py_runtime")]), "OMP_NUM_THREADS": "1"}
    log = open(Path(folder) / "ranks.log", "w+")
    group = subprocess.Popen(
        [*accelerate_launch(2), "--endpoint", endpoint, "--worker-id", "w0", "--heartbeat-timeout", "300"],
        cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT)
    try:
        hello = receive(router, {"hello"}, 60)[-1]
        assert hello["world_size"] == 2
        router.send_multipart([b"w0", json.dumps(task).encode()])
        messages = receive(router, {"result", "task_error"}, 60)
        result = messages[-1]
        check_outgoing(result)
        router.send_multipart([b"w0", json.dumps(accumulated).encode()])
        split = receive(router, {"result", "task_error"}, 60)[-1]
        router.send_multipart([b"w0", json.dumps({"type": "shutdown", "reason": "test over"}).encode()])
        assert receive(router, {"goodbye"}, 20)[-1]["type"] == "goodbye"
        group.stdin.close()  # type: ignore[union-attr]
        assert group.wait(timeout=30) == 0
    except BaseException:
        group.kill()
        log.seek(0)
        print(log.read()[-5000:])  # the ranks' own output, for the failure report
        raise
    finally:
        router.close(linger=0)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)

    assert result["status"] == "completed", result["error"]
    assert result["world_size"] == 2 and single["world_size"] == 1
    assert result["steps"] == single["steps"] == 12 and result["n_tokens"] == single["n_tokens"]
    # Tolerance: the ranks' gradients are averaged by an fp32 all-reduce, which may differ from
    # one process's sum in the last bits; 1e-5 relative after 12 AdamW steps covers that
    # (on torch 2.13 CPU all three runs measured bit-identical).
    assert result["loss"] == pytest.approx(single["loss"], rel=1e-5)
    for two, one in zip(result["curve"], single["curve"]):
        assert two["train_loss"] == pytest.approx(one["train_loss"], rel=1e-5)
    assert [m["type"] for m in messages[:-1]] and all(m["type"] == "progress" for m in messages[:-1])
    assert result["engine"] == {"mixed_precision": "no", "compiled": False, "micro_batch_size": 4,
                                "grad_accum_steps": 1, "distributed": "ddp"}
    assert split["status"] == "completed", split["error"]
    assert split["engine"]["micro_batch_size"] == 2 and split["engine"]["grad_accum_steps"] == 2
    assert split["steps"] == 12 and split["n_tokens"] == single["n_tokens"]
    assert split["loss"] == pytest.approx(single["loss"], rel=1e-5)
