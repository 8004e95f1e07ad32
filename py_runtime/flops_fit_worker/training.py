"""The training loop: one run of one model, for exactly its planned token budget.

    from flops_fit_worker.training import train
    result = train(task, ctx)   # task: a validated TrainTask (src/protocol/messages.ts)
                                # ctx: RunContext (progress messages, cancellation)

The worker calls this for every `train` task; so does each rank of a multi-process worker
(distributed.py). It never raises for a failure *of the run*: divergence, out-of-memory and
any exception in the model, data or loss come back as a result with `status` and `error`,
and the worker takes the next task. Only an unresolvable target (TargetError) propagates,
as a task_error: that is a mistake in the config, not in the run.

The recipe follows what makes IsoFLOP curves trustworthy (REFERENCE.md §5.4; Hoffmann et
al. 2022, arXiv:2203.15556; Porian et al. 2024, arXiv:2406.19146):
- train exactly D = n_tokens tokens: steps = ceil(D / (batch_size · tokens_per_sample));
- AdamW, linear warmup, then cosine decay to min_lr_fraction · lr at *this run's* last step
  (a schedule longer than the run would leave it under-annealed and bias small budgets);
- the loss that is fitted is the held-out loss at the end, on the same `eval_tokens`
  tokens for every run; the mean training loss of the last 5% of steps is recorded beside it;
- compute is recorded twice: 6·N·D and the FLOPs torch counts for one real step (flops.py).

Read top to bottom: config → schedule → train() → the loop (_train) → eval → checkpoints.
"""
from __future__ import annotations

import contextlib
import gc
import math
import os
import random
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Iterator

import numpy as np
import torch
from torch import nn

from . import distributed
from .context import RunContext
from .data_utils import epochs_seen, shard_batches, target_count, to_device, train_tokens
from .flops import measure_flops_per_token
from .losses import LossFn, forward_loss
from .models import build_data, build_loss, build_model
from .params import count_parameters
from .targets import TargetError, extend_sys_path


@dataclass(frozen=True)
class TrainConfig:
    batch_size: int                 # samples per optimiser step, summed over ranks (the global batch)
    lr: float                       # peak learning rate, reached at the end of warmup
    warmup_fraction: float          # share of the run's steps spent warming up linearly from ~0
    min_lr_fraction: float          # cosine decay ends at min_lr_fraction · lr on the run's last step
    weight_decay: float             # AdamW decoupled decay, on matrices only (not biases, norms)
    beta1: float                    # AdamW first-moment decay
    beta2: float                    # AdamW second-moment decay (the orchestrator may raise it for long runs)
    grad_clip: float                # max global L2 norm of the gradient (training stability)
    eval_tokens: int                # held-out tokens scored at the end: the same tokens for every run
    threads: int                    # torch intra-op threads (CPU); one worker = one slice of the cores
    checkpoint_interval_s: float = 600.0  # seconds between checkpoints, when the task has a checkpoint_dir
    curve_points: int = 50          # points of the training curve kept in the result

    @classmethod
    def from_task(cls, training: dict[str, Any]) -> TrainConfig:
        return cls(
            batch_size=int(training["batch_size"]), lr=float(training["lr"]),
            warmup_fraction=float(training["warmup_fraction"]), min_lr_fraction=float(training["min_lr_fraction"]),
            weight_decay=float(training["weight_decay"]), beta1=float(training["beta1"]),
            beta2=float(training["beta2"]), grad_clip=float(training["grad_clip"]),
            eval_tokens=int(training["eval_tokens"]), threads=int(training["threads"]),
            checkpoint_interval_s=float(training.get("checkpoint_interval_s", 600.0)),
        )


def get_lr(step: int, total_steps: int, cfg: TrainConfig) -> float:
    """Learning rate at optimiser step `step` (0-based) of a `total_steps` run.

    Linear warmup over the first warmup_fraction of the steps (step 0 already moves), then
    a half cosine from lr to min_lr_fraction · lr, landing on the minimum at the last step
    (Loshchilov & Hutter 2017, arXiv:1608.03983; the horizon matched to the run as in
    Hoffmann et al. 2022, §3 and fig. A1).
    """
    warmup_steps = int(cfg.warmup_fraction * total_steps)
    if step < warmup_steps:
        return cfg.lr * (step + 1) / warmup_steps
    decay_steps = total_steps - 1 - warmup_steps
    progress = 1.0 if decay_steps <= 0 else min(1.0, (step - warmup_steps) / decay_steps)
    min_lr = cfg.min_lr_fraction * cfg.lr
    return min_lr + 0.5 * (1.0 + math.cos(math.pi * progress)) * (cfg.lr - min_lr)


class Diverged(Exception):
    """The loss stopped being a finite number."""


@dataclass
class RunRecord:
    """What the run has established so far: enough for a result however it ends."""

    n_params: int = 0
    n_params_embedding: int = 0
    tokens_per_step: int = 0                      # batch_size · tokens_per_sample
    total_steps: int = 0
    step: int = 0                                 # optimiser steps done (including resumed ones)
    losses: list[float] = field(default_factory=list)  # training loss of every step done
    curve: list[dict[str, Any]] = field(default_factory=list)
    flops_per_token: float | None = None
    loss: float | None = None                     # held-out, at the end
    resumed_from_step: int | None = None
    steps_this_attempt: int = 0
    train_seconds: float = 0.0
    device: str = "cpu"
    world_size: int = 1
    train_tokens: int | None = None               # tokens in one pass over the training data, if the data says


def train(task: dict[str, Any], ctx: RunContext) -> dict[str, Any]:
    """Run one TrainTask to its result message (TrainResult); never raises for a failed run."""
    started = time.monotonic()
    cfg = TrainConfig.from_task(task["training"])
    record = RunRecord(tokens_per_step=cfg.batch_size, world_size=distributed.rank_and_world()[1])
    status, error = "completed", None
    try:
        status = _train(task, ctx, cfg, record)
    except TargetError:
        raise  # the config names something that does not exist: a task_error, not a run result
    except Diverged as exc:
        status, error = "diverged", str(exc)
    except Exception as exc:  # noqa: BLE001 — any failure of the run is data for the orchestrator
        status = "oom" if _is_out_of_memory(exc) else "failed"
        error = traceback.format_exc()
    _release_memory()  # the traceback is gone; free what the run held before the next task
    return _result(task, cfg, record, status, error, time.monotonic() - started)


def _train(task: dict[str, Any], ctx: RunContext, cfg: TrainConfig, record: RunRecord) -> str:
    extend_sys_path(task["sys_path"])
    torch.set_num_threads(cfg.threads)
    rank, world_size = distributed.rank_and_world()
    device = resolve_device(task["device"])
    record.device = str(device)
    seed = int(task["seed"])
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)  # the same seed builds the same initial weights on every rank

    # The pieces the task names: data first, since it tells the model its vocabulary/shape.
    data = build_data(task["data"], seed=seed)
    record.train_tokens = train_tokens(data)
    loss_fn = build_loss(task["loss"])
    model = build_model(task["model"], task["size_value"], data).to(device)
    counts = count_parameters(model)
    record.n_params, record.n_params_embedding = counts.total, counts.embedding
    record.tokens_per_step = cfg.batch_size * int(data.tokens_per_sample)
    record.total_steps = total_steps = max(1, math.ceil(float(task["n_tokens"]) / record.tokens_per_step))
    record.flops_per_token = measure_flops_per_token(model, data, loss_fn)
    optimizer = make_optimizer(model, cfg, device)

    # Resume from this run's checkpoint if an earlier attempt left one.
    start_step = load_checkpoint(task, model, optimizer, record)
    train_model: nn.Module = model
    if world_size > 1:
        from torch.nn.parallel import DistributedDataParallel

        train_model = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
    batches = data.train_batches(cfg.batch_size, seed)
    for skipped in range(start_step):  # the same data order as an uninterrupted run
        next_batch(batches, skipped, total_steps, record.tokens_per_step)
    if world_size > 1:
        batches = shard_batches(batches, rank, world_size)
    # bf16 autocast on CUDA (same range as fp32, no loss scaling); plain fp32 on CPU.
    autocast = torch.autocast("cuda", dtype=torch.bfloat16) if device.type == "cuda" else contextlib.nullcontext()

    curve_every = max(1, total_steps // cfg.curve_points)
    loop_started = last_checkpoint = time.monotonic()
    train_model.train()
    for step in range(start_step, total_steps):
        lr = get_lr(step, total_steps, cfg)
        for group in optimizer.param_groups:
            group["lr"] = lr
        inputs, targets = next_batch(batches, step, total_steps, record.tokens_per_step)
        inputs, targets = to_device(inputs, device), to_device(targets, device)
        with autocast:
            loss = forward_loss(train_model, inputs, targets, loss_fn)
        # One all-reduce per step: every rank agrees on the global batch's loss and on
        # whether rank 0 was told to cancel, so all ranks stop at the same step.
        loss_sum, cancel_votes = distributed.all_reduce_sum([loss.item(), float(ctx.is_cancelled())], device)
        loss_value = loss_sum / world_size
        if cancel_votes > 0:
            save_checkpoint(task, model, optimizer, record)
            return "cancelled"
        if not math.isfinite(loss_value):
            raise Diverged(f"training loss became {loss_value} at step {step} of {total_steps} "
                           f"(lr {lr:.3g}); lower training.lr (or lr_reference) or raise warmup_fraction")
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

        record.losses.append(loss_value)
        record.step = step + 1
        record.steps_this_attempt += 1
        record.train_seconds = time.monotonic() - loop_started
        tokens = record.step * record.tokens_per_step
        tokens_per_s = record.steps_this_attempt * record.tokens_per_step / max(record.train_seconds, 1e-9)
        ctx.progress(record.step, total_steps, tokens, loss_value, tokens_per_s, force=record.step == total_steps)
        if record.step % curve_every == 0 or record.step == total_steps:
            since = record.curve[-1]["step"] if record.curve else 0
            window = record.losses[since:]
            record.curve.append({"step": record.step, "tokens": float(tokens), "train_loss": sum(window) / len(window)})
        if task["checkpoint_dir"] and time.monotonic() - last_checkpoint >= cfg.checkpoint_interval_s \
                and record.step < total_steps:
            save_checkpoint(task, model, optimizer, record)
            last_checkpoint = time.monotonic()

    record.loss = evaluate(model, data, loss_fn, cfg, device, autocast)
    return "completed"


def next_batch(batches: Iterator[Any], step: int, total_steps: int, tokens_per_step: int) -> Any:
    """The next training batch; a data source that runs dry is a clear failure, not a StopIteration."""
    try:
        return next(batches)
    except StopIteration:
        raise RuntimeError(
            f"data exhausted: the data source's train_batches ended after {step} of {total_steps} steps "
            f"({step * tokens_per_step} of {total_steps * tokens_per_step} tokens); it must yield batches "
            "indefinitely (repeat epochs)") from None


def resolve_device(requested: str) -> torch.device:
    """"cpu", "cuda", "cuda:N" or "auto" (CUDA when available); in a process group each rank
    takes the GPU of its LOCAL_RANK."""
    if requested == "auto":
        requested = "cuda" if torch.cuda.is_available() else "cpu"
    device = torch.device(requested)
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise RuntimeError(f"device {requested!r} requested, but this torch ({torch.__version__}) sees no CUDA GPU")
        if device.index is None:
            device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
        torch.cuda.set_device(device)
    return device


def make_optimizer(model: nn.Module, cfg: TrainConfig, device: torch.device) -> torch.optim.Optimizer:
    """AdamW (Loshchilov & Hutter 2019, arXiv:1711.05101); weight decay on matrices and
    embeddings only, as in GPT-2/nanoGPT: decaying gains and biases only hurts."""
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": cfg.weight_decay},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=cfg.lr, betas=(cfg.beta1, cfg.beta2), fused=device.type == "cuda")


@torch.no_grad()
def evaluate(model: nn.Module, data: Any, loss_fn: LossFn | None, cfg: TrainConfig, device: torch.device,
             autocast: Any) -> float:
    """Mean held-out loss over exactly the data's first `eval_tokens` held-out tokens.

    Each batch's mean loss is weighted by the target elements it averages, so the result does
    not depend on how the tokens are grouped into batches; ranks split the batches and sum.
    """
    rank, world_size = distributed.rank_and_world()
    model.eval()
    total = count = 0.0
    for i, (inputs, targets) in enumerate(data.eval_batches(cfg.batch_size, cfg.eval_tokens)):
        if i % world_size != rank:
            continue
        inputs, targets = to_device(inputs, device), to_device(targets, device)
        with autocast:
            loss = forward_loss(model, inputs, targets, loss_fn)
        n = target_count(inputs, targets)
        total += float(loss.item()) * n
        count += n
    model.train()
    total, count = distributed.all_reduce_sum([total, count], device)
    if count == 0:
        raise ValueError("the data plugin's eval_batches() yielded nothing: no held-out loss")
    loss_value = total / count
    if not math.isfinite(loss_value):
        raise Diverged(f"held-out loss is {loss_value} after training")
    return loss_value


# ---------------------------------------------------------------------------- checkpoints
# One file per run, `<checkpoint_dir>/checkpoint.pt`, written by rank 0 every
# checkpoint_interval_s and on cancellation. It resumes only the run it was written for.

def _fingerprint(task: dict[str, Any]) -> dict[str, Any]:
    return {"experiment_id": task["experiment_id"], "size_value": task["size_value"], "n_tokens": task["n_tokens"],
            "seed": task["seed"], "training": {k: v for k, v in task["training"].items() if k != "threads"}}


def _checkpoint_path(task: dict[str, Any]) -> str | None:
    return os.path.join(task["checkpoint_dir"], "checkpoint.pt") if task["checkpoint_dir"] else None


def save_checkpoint(task: dict[str, Any], model: nn.Module, optimizer: torch.optim.Optimizer,
                    record: RunRecord) -> None:
    path = _checkpoint_path(task)
    if path is None or distributed.rank_and_world()[0] != 0:
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    state = {
        "fingerprint": _fingerprint(task), "step": record.step, "model": model.state_dict(),
        "optimizer": optimizer.state_dict(), "losses": record.losses, "curve": record.curve,
        "rng": {"torch": torch.get_rng_state(),
                "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None},
    }
    torch.save(state, path + ".tmp")
    os.replace(path + ".tmp", path)  # atomic: a crash mid-write leaves the previous checkpoint


def load_checkpoint(task: dict[str, Any], model: nn.Module, optimizer: torch.optim.Optimizer,
                    record: RunRecord) -> int:
    """Restore the run's checkpoint if there is one for this very run; the step to start at."""
    path = _checkpoint_path(task)
    if path is None or not os.path.exists(path):
        return 0
    state = torch.load(path, map_location="cpu", weights_only=False)
    if state.get("fingerprint") != _fingerprint(task) or state["step"] >= record.total_steps:
        return 0  # another run's, or a finished one: start afresh (it is overwritten later)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    torch.set_rng_state(state["rng"]["torch"])
    if state["rng"]["cuda"] is not None and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["rng"]["cuda"])
    record.losses, record.curve = list(state["losses"]), list(state["curve"])
    record.step = record.resumed_from_step = int(state["step"])
    return record.step


# ---------------------------------------------------------------------------- the result

def _is_out_of_memory(exc: BaseException) -> bool:
    if isinstance(exc, (MemoryError, torch.cuda.OutOfMemoryError)):
        return True
    message = str(exc).lower()
    return isinstance(exc, RuntimeError) and ("out of memory" in message or "can't allocate memory" in message)


def _release_memory() -> None:
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def _result(task: dict[str, Any], cfg: TrainConfig, record: RunRecord, status: str, error: str | None,
            wall_s: float) -> dict[str, Any]:
    """The TrainResult message (src/protocol/messages.ts); never a NaN (JSON has none)."""
    n_tokens = record.step * record.tokens_per_step
    tail = record.losses[-max(1, math.ceil(0.05 * record.total_steps)):]
    train_loss = sum(tail) / len(tail) if tail else None
    tokens_per_s = (record.steps_this_attempt * record.tokens_per_step / record.train_seconds
                    if record.train_seconds > 0 else None)
    return {
        "type": "result", "kind": "train", "task_id": task["task_id"],
        "experiment_id": task["experiment_id"], "attempt": task["attempt"], "status": status,
        "n_params": record.n_params, "n_params_embedding": record.n_params_embedding,
        "n_params_non_embedding": record.n_params - record.n_params_embedding,
        "n_tokens": float(n_tokens), "steps": record.step,
        "batch_size": record.tokens_per_step,  # tokens per optimiser step, as the mock path reports
        "lr": cfg.lr,
        "loss": record.loss if status == "completed" else None,
        "train_loss": train_loss if train_loss is not None and math.isfinite(train_loss) else None,
        "flops_6nd": 6.0 * record.n_params * n_tokens,
        "flops_measured": None if record.flops_per_token is None else record.flops_per_token * n_tokens,
        "tokens_per_s": tokens_per_s, "wall_s": wall_s, "curve": record.curve,
        "device": record.device, "world_size": record.world_size,
        "resumed_from_step": record.resumed_from_step, "error": error,
        "epochs": epochs_seen(n_tokens, record.train_tokens),
    }
