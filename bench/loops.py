"""Shared by the training-loop benchmarks: a GPT task for flops-fit's loop, the same run as
a bare PyTorch loop, and steady-state throughput of each (tokens/s after warm-up steps).

    from loops import gpt_task, loop_rate, bare_rate
    task = gpt_task(d_model=64, n_layers=2, n_heads=4, seq_len=128, batch_size=32, steps=60, device="cpu")
    loop = loop_rate(task, warmup_steps=10)        # flops_fit_worker.training.train, as a worker runs it
    bare = bare_rate(task, warmup_steps=10)        # the same model, data, optimiser and schedule, by hand

Imports only torch, accelerate, the worker's training loop and the GPT plugin (no pyzmq, no
jsonschema), so it runs wherever PyTorch does. Run the scripts from the repository root.
"""
from __future__ import annotations

import copy
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

ROOT = Path(__file__).resolve().parents[1]
for entry in (str(ROOT), str(ROOT / "py_runtime")):
    if entry not in sys.path:
        sys.path.insert(0, entry)

import torch  # noqa: E402

from flops_fit_worker.allocator import tune_malloc  # noqa: E402
from flops_fit_worker.context import RunContext  # noqa: E402
from flops_fit_worker.losses import next_token_cross_entropy  # noqa: E402
from flops_fit_worker.models import build_data, build_model  # noqa: E402
from flops_fit_worker.step_watch import StepWatch  # noqa: E402
from flops_fit_worker.run_plan import TrainConfig, get_lr  # noqa: E402
from flops_fit_worker.training import make_optimizer, resolve_device, train  # noqa: E402


def gpt_task(*, d_model: int, n_layers: int, n_heads: int, seq_len: int, batch_size: int, steps: int, device: str,
             threads: int = 1, eval_tokens: int = 4096, **training: Any) -> dict[str, Any]:
    """A TrainTask for the built-in GPT on the standard library's sources, `steps` steps long."""
    return {
        "type": "task", "kind": "train", "task_id": "bench", "experiment_id": f"bench-d{d_model}", "attempt": 1,
        "seed": 0,
        "model": {"target": "plugins.gpt.model:GPT", "size_param": "d_model",
                  "options": {"n_layers": n_layers, "n_heads": n_heads}},
        "size_value": d_model,
        "data": {"target": "plugins.gpt.data:ByteCorpus", "options": {"source": "stdlib", "seq_len": seq_len}},
        "loss": {"target": "flops_fit_worker.losses:next_token_cross_entropy"},
        "n_tokens": steps * batch_size * seq_len, "budget_flops": 1.0,
        "training": {"batch_size": batch_size, "lr": 1e-3, "warmup_fraction": 0.05, "min_lr_fraction": 0.1,
                     "weight_decay": 0.1, "beta1": 0.9, "beta2": 0.95, "grad_clip": 1.0, "eval_tokens": eval_tokens,
                     "threads": threads, "checkpoint_interval_s": 3600.0, **training},
        "mock": None, "device": device, "sys_path": [], "progress_interval_s": 1.0, "checkpoint_dir": None,
    }


def with_training(task: dict[str, Any], **training: Any) -> dict[str, Any]:
    changed = copy.deepcopy(task)
    changed["training"].update(training)
    return changed


@dataclass
class Rate:
    tokens_per_s: float
    step_s: float              # seconds per optimiser step in the measured stretch
    measured_steps: int
    result: Mapping[str, Any] | None = None  # the TrainResult, for the loop
    tokens_per_cpu_s: float = 0.0          # per second of this process's CPU time: steady on a busy machine
    syncs_per_step: float | None = None    # synchronizing CUDA calls per measured step (None on CPU)


class SyncCounter:
    """Counts the synchronizing CUDA calls (the host waiting for the GPU: `.item()`, a copy to
    pageable memory, ...) made between start() and stop(), with torch's sync debug mode.
    Explicit waits (torch.cuda.synchronize, Event.synchronize) are not counted. No-op on CPU."""

    def __init__(self, device: torch.device) -> None:
        self.active = device.type == "cuda"
        self.count: int | None = None
        self._catcher: Any = None
        self._caught: list[Any] = []

    def start(self) -> None:
        if self.active:
            self._catcher = warnings.catch_warnings(record=True)
            self._caught = self._catcher.__enter__()
            warnings.simplefilter("always")
            torch.cuda.set_sync_debug_mode("warn")

    def stop(self) -> None:
        if self.active and self._catcher is not None:
            torch.cuda.set_sync_debug_mode("default")
            self._catcher.__exit__(None, None, None)
            self.count = sum("synchroniz" in str(w.message) for w in self._caught)
            self._catcher = None


def _clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _rate(start: tuple[float, float], end: tuple[float, float], steps: int, tokens_per_step: int,
          result: Mapping[str, Any] | None = None, syncs: SyncCounter | None = None) -> Rate:
    wall, cpu = end[0] - start[0], end[1] - start[1]
    per_step = None if syncs is None or syncs.count is None else syncs.count / steps
    return Rate(steps * tokens_per_step / wall, wall / steps, steps, result, steps * tokens_per_step / max(cpu, 1e-9),
                per_step)


def _synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def loop_rate(task: Any, warmup_steps: int, on_rank0: bool = True) -> Rate:
    """flops-fit's loop (`train`) on `task`, timed from the first progress report at or after
    `warmup_steps` to the last.

    The loop reads losses back in windows, so a progress report for step s can come while
    the device is still busy with the steps launched after it: at the starting point the
    device is synchronised once and the launched steps (s + every·lag of the loop's
    StepWatch) are counted. The last report comes after the loop has drained, so it is exact.
    """
    device = resolve_device(task["device"])
    watch = StepWatch.for_device(None, 0, device)
    ahead = watch.every * watch.lag
    marks: list[tuple[tuple[float, float], int]] = []
    syncs = SyncCounter(device)

    def send(message: Mapping[str, Any]) -> None:
        if message["type"] != "progress" or not on_rank0:
            return
        step = int(message["step"])
        final = step == int(message["total_steps"])
        if not marks and step >= warmup_steps and not final:
            _synchronize(device)
            marks.append((_clocks(), step + ahead))
            syncs.start()
        elif final:
            syncs.stop()
            marks.append((_clocks(), step))

    ctx = RunContext(task=task, send=send, is_cancelled=lambda: False, interval_s=0.0)
    result = train(task, ctx)
    if result["status"] != "completed":
        raise RuntimeError(f"the loop's run ended {result['status']}: {result['error']}")
    if not on_rank0:
        return Rate(0.0, 0.0, 0, result)
    if len(marks) < 2 or marks[1][1] <= marks[0][1]:
        raise RuntimeError(f"too few steps after {warmup_steps} warm-up steps to time the loop (marks {marks})")
    (t0, s0), (t1, s1) = marks[0], marks[-1]
    return _rate(t0, t1, s1 - s0, result["tokens_per_step"], result, syncs)


def bare_rate(task: dict[str, Any], warmup_steps: int, sync_every_step: bool = False, tuned_malloc: bool = True) -> Rate:
    """The same run as a bare PyTorch loop written by hand: the same model and initial
    weights, batches, AdamW groups, LR schedule and clipping; bf16 autocast on CUDA.
    `sync_every_step` reads the loss with .item() after each step, as loops that log or check
    every step do. `tuned_malloc`: glibc's malloc set up as flops-fit's loop sets it
    (flops_fit_worker/allocator.py), so that the comparison is of the loops alone."""
    if tuned_malloc:
        tune_malloc()
    cfg = TrainConfig.from_task(task["training"])
    device = resolve_device(task["device"])
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(int(task["seed"]))
    data = build_data(task["data"], seed=int(task["seed"]))
    model = build_model(task["model"], task["size_value"], data).to(device)
    optimizer = make_optimizer(model, cfg, fused=device.type == "cuda")
    batches = data.train_batches(cfg.batch_size, int(task["seed"]))
    total_steps = int(task["n_tokens"]) // (cfg.batch_size * data.tokens_per_sample)
    autocast: Callable[[], Any] = (lambda: torch.autocast("cuda", dtype=torch.bfloat16)) if device.type == "cuda" \
        else (lambda: torch.autocast("cpu", enabled=False))
    model.train()
    started = _clocks()
    syncs = SyncCounter(device)
    for step in range(total_steps):
        if step == warmup_steps:
            _synchronize(device)
            started = _clocks()
            syncs.start()
        for group in optimizer.param_groups:
            group["lr"] = get_lr(step, total_steps, cfg)
        inputs, targets = next(batches)
        if device.type == "cuda":  # as a DataLoader with pin_memory=True would hand them over
            inputs, targets = inputs.pin_memory(), targets.pin_memory()
        inputs, targets = inputs.to(device, non_blocking=True), targets.to(device, non_blocking=True)
        with autocast():  # the logits live only inside the loss's graph, freed by backward
            loss = next_token_cross_entropy(model(inputs), targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if sync_every_step:
            loss.item()
    syncs.stop()
    _synchronize(device)
    return _rate(started, _clocks(), total_steps - warmup_steps, cfg.batch_size * data.tokens_per_sample, syncs=syncs)
