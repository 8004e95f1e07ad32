"""The training loop: one run of one model, for exactly its planned token budget.

    from flops_fit_worker.training import train
    result = train(task, ctx)   # task: a validated TrainTask (src/protocol/messages.ts)
                                # ctx: RunContext (progress messages, cancellation)

The worker calls this for every `train` task; so does each rank of a multi-process worker
(distributed.py). It never raises for a failure *of the run*: divergence, out-of-memory and
any exception in the model, data or loss come back as a result with `status` and `error`,
and the worker takes the next task. Only an unresolvable target (TargetError) propagates,
as a task_error: that is a mistake in the config, not in the run.

The recipe follows what makes IsoFLOP curves trustworthy (docs/methods.md §5.4; Hoffmann et
al. 2022, arXiv:2203.15556; Porian et al. 2024, arXiv:2406.19146):
- train exactly D = n_tokens tokens: steps = ceil(D / (batch_size · tokens_per_sample));
- AdamW, linear warmup, then cosine decay to min_lr_fraction · lr at *this run's* last step
  (a schedule longer than the run would leave it under-annealed and bias small budgets);
  a WSD trunk or branch follows its own schedule (run_plan.py resolves which, once);
- the loss that is fitted is the held-out loss at the end, on the same `eval_tokens`
  tokens for every run; the mean training loss of the last 5% of steps is recorded beside it;
- compute is recorded twice: 6·N·D and the FLOPs torch counts for one real step (flops.py).

The hardware side is Hugging Face Accelerate's (engine.py): mixed precision, DDP or FSDP
from the Accelerate config the worker group was launched with, torch.compile, gradient
accumulation over micro-batches. The loop never waits for the GPU after a step: losses stay
on the device and are read back in windows (step_watch.py), which is also where the ranks
agree on divergence, cancellation and checkpoints.

Read top to bottom: train() → the loop (_train), which follows the run's plan (run_plan.py:
its steps, its learning rate at each, where it resumes and saves, whether it is evaluated)
→ one step → eval. The result is built by run_record.py, as a --mock run's is.
"""
from __future__ import annotations

import gc
import math
import os
import random
import time
import traceback
from typing import Any, Iterator

import numpy as np
import torch
from torch import nn

from . import checkpoint
from .collectives import rank_and_world
from .allocator import tune_malloc
from .context import RunContext
from .data_utils import rows, shard_batches, slice_rows, target_count, to_device, train_tokens
from .engine import EngineSettings, accumulation_steps, describe, is_sharded, make_accelerator, prepare
from .flops import measure_flops_per_token
from .messages import RunStatus, TrainResult, TrainTask
from .losses import LossFn, forward_loss
from .models import build_data, build_loss, build_model, data_hints
from .params import count_parameters
from .run_plan import TrainConfig, plan_run, save_point, save_resumable
from .run_record import Diverged, RunRecord, run_result
from .step_watch import StepWatch, Window
from .targets import TargetError, extend_sys_path
from .tracking import RunTracker

CURVE_POINTS = 50  # points of the training curve kept in the result


def train(task: TrainTask, ctx: RunContext) -> TrainResult:
    """Run one TrainTask to its result message (TrainResult); never raises for a failed run."""
    started = time.monotonic()
    cfg = TrainConfig.from_task(task["training"])
    record = RunRecord(tokens_per_step=cfg.batch_size, world_size=rank_and_world()[1])
    status: RunStatus = "completed"
    error: str | None = None
    try:
        try:
            status = _train(task, ctx, record)
        except checkpoint.CheckpointUnloadable:
            # The checkpoint has been moved aside: train again from the previous good one or
            # from scratch, within this attempt (the model is rebuilt from its seed).
            discarded = record.discarded_checkpoints
            record = RunRecord(tokens_per_step=cfg.batch_size, world_size=rank_and_world()[1], discarded_checkpoints=discarded)
            _release_memory()
            status = _train(task, ctx, record)
    except TargetError:
        raise  # the config names something that does not exist: a task_error, not a run result
    except Diverged as exc:
        status, error = "diverged", str(exc)
    except Exception as exc:  # noqa: BLE001 — any failure of the run is data for the orchestrator
        status = "oom" if _is_out_of_memory(exc) else "failed"
        error = traceback.format_exc()
    _release_memory()  # the traceback is gone; free what the run held before the next task
    return run_result(task, record, status, error, time.monotonic() - started)


def _train(task: TrainTask, ctx: RunContext, record: RunRecord) -> RunStatus:
    cfg = TrainConfig.from_task(task["training"])
    extend_sys_path(task["sys_path"])
    tune_malloc()  # reuse freed activations instead of faulting in fresh pages every step (allocator.py)
    torch.set_num_threads(cfg.threads)
    rank, world_size = rank_and_world()
    device = resolve_device(task["device"])
    record.device = str(device)
    seed = int(task["seed"])
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)  # the same seed builds the same initial weights on every rank

    # The pieces the task names: data first, since it tells the model its vocabulary/shape.
    data = build_data(task["data"], seed=seed)
    record.train_tokens = train_tokens(data)
    record.data_hints = data_hints(data)
    loss_fn = build_loss(task["loss"])
    model = build_model(task["model"], task["size_value"], data)
    counts = count_parameters(model)
    record.n_params, record.n_params_embedding = counts.total, counts.embedding
    # The run's plan: its steps, lr(step), where it resumes and saves, whether it is evaluated.
    plan = plan_run(task, int(data.tokens_per_sample))
    total_steps = plan.total_steps
    record.follow(plan)
    if cfg.batch_size % world_size:
        raise ValueError(f"batch_size {cfg.batch_size} is not divisible by world_size {world_size}: "
                         f"every rank needs an equal share of the global batch")
    per_rank_batch = cfg.batch_size // world_size

    # The engine: precision, backend (DDP/FSDP from the launch's Accelerate config), compile.
    settings = EngineSettings.from_task(task["training"], device, per_rank_batch)
    accelerator = make_accelerator(settings, device, world_size)
    sharded = is_sharded(accelerator)
    if not sharded:  # FSDP places (and shards) the model itself: it may not fit one device
        model.to(accelerator.device)
    record.flops_per_token = measure_flops_per_token(model, data, loss_fn)  # on the plain module
    fused = not sharded and device.type == "cuda"  # the fused kernel needs the parameters on the GPU already
    model, optimizer = prepare(accelerator, model, lambda net: make_optimizer(net, cfg, fused=fused))
    record.engine = describe(settings, accelerator, per_rank_batch)

    # Resume where the plan says (an earlier attempt's checkpoint; a WSD branch its trunk's).
    # A damaged checkpoint is moved aside and noted in the result (checkpoint.py).
    found = plan.resume_state(record.discarded_checkpoints)
    resumed: dict[str, Any] | None = None
    if found is not None:
        checkpoint.load_state(accelerator, found[0], record.discarded_checkpoints)
        resumed = found[1]
    start_step = 0
    if resumed is not None:
        record.losses, record.curve = list(resumed["losses"]), list(resumed["curve"])
        start_step = record.step = record.resumed_from_step = int(resumed["step"])
    if start_step >= total_steps:  # every step was saved before it was stopped (a trunk at its last branch point)
        return "completed"
    if rank == 0:  # the other ranks train the same run: one tracker run per experiment
        record.tracker = RunTracker.open(task, record.resumed_from_step)
        record.tracker.describe({"n_params": counts.total, "n_params_embedding": counts.embedding,
                                 "n_params_non_embedding": counts.non_embedding, "total_steps": total_steps,
                                 "tokens_per_step": record.tokens_per_step, "flops_per_token": record.flops_per_token})
        record.curve_tracked = len(record.curve)  # a resumed run's earlier points were logged by that attempt
    batches = data.train_batches(cfg.batch_size, seed)
    for skipped in range(start_step):  # the same data order as an uninterrupted run
        next_batch(batches, skipped, total_steps, record.tokens_per_step)
    if world_size > 1:
        batches = shard_batches(batches, rank, world_size)

    watch = StepWatch.for_device(accelerator, start_step, device)
    curve_every = max(1, total_steps // CURVE_POINTS)
    loop_started = last_checkpoint = time.monotonic()

    def absorb(windows: list[Window]) -> tuple[bool, bool]:
        """Record the losses of the steps read back and report progress; (cancel, checkpoint)
        as the ranks agreed."""
        votes = [record.add_window(window, curve_every, plan) for window in windows]
        if windows:
            record.train_seconds = time.monotonic() - loop_started
            tokens_per_s = record.steps_this_attempt * record.tokens_per_step / max(record.train_seconds, 1e-9)
            ctx.progress(record.step, total_steps, record.step * record.tokens_per_step, record.losses[-1],
                         tokens_per_s, force=record.step == total_steps)
            for point in record.curve[record.curve_tracked:]:  # the tracker logs at the curve's cadence
                record.tracker.log_point(point["step"], point["train_loss"], plan.lr(point["step"] - 1),
                                         point["tokens"], tokens_per_s)
            record.curve_tracked = len(record.curve)
        return any(cancel for cancel, _ in votes), any(save for _, save in votes)

    model.train()
    for step in range(start_step, total_steps):
        lr = plan.lr(step)
        for group in optimizer.param_groups:
            group["lr"] = lr
        inputs, targets = next_batch(batches, step, total_steps, record.tokens_per_step)
        first_of_attempt = step == start_step and settings.micro_batch_size is None and world_size == 1
        watch.add(_train_step(accelerator, model, optimizer, inputs, targets, loss_fn, cfg.grad_clip,
                              split_on_oom=first_of_attempt))
        if first_of_attempt:  # the accumulation may have grown on out-of-memory
            settings = settings.with_accumulation(int(accelerator.gradient_accumulation_steps))
            record.engine = describe(settings, accelerator, per_rank_batch)
        last = step + 1 == total_steps
        point = step + 1 in plan.save_points
        if not (watch.due() or last or point):
            continue
        # Rank 0's votes; the other ranks' contexts never cancel and their clocks do not count.
        votes = [float(ctx.is_cancelled()),
                 float(rank == 0 and bool(task["checkpoint_dir"]) and not last
                       and time.monotonic() - last_checkpoint >= cfg.checkpoint_interval_s)]
        cancel, save = absorb(watch.drain(votes) if last or point else watch.close(votes))
        if point:  # a save point of the plan (a WSD trunk's branch point: where its branch starts)
            save_point(plan, accelerator, record.step, record.losses, record.curve)
            ctx.progress(record.step, total_steps, record.step * record.tokens_per_step, record.losses[-1], None, force=True)
            last_checkpoint = time.monotonic()
        if (cancel or save) and not last:  # a run whose steps are all done completes
            absorb(watch.drain([0.0, 0.0]))  # every step done so far, recorded before it is saved
            save_resumable(plan, accelerator, record.step, record.losses, record.curve)
            last_checkpoint = time.monotonic()
            if cancel:
                return "cancelled"

    if plan.evaluates:  # a WSD trunk is not a point: its loss before any cooldown is not fitted
        record.loss = evaluate(model, data, loss_fn, cfg, accelerator, sharded)
    accelerator.free_memory()
    return "completed"


def _train_step(accelerator: Any, model: nn.Module, optimizer: Any, inputs: Any, targets: Any,
                loss_fn: LossFn | None, grad_clip: float, split_on_oom: bool) -> torch.Tensor:
    """One optimiser step on this rank's share of a global batch: the mean loss, on the device.

    The share is cut into `accelerator.gradient_accumulation_steps` equal micro-batches whose
    gradients add up (Accelerate divides each loss by their number and skips the gradient
    all-reduce until the last one). With `split_on_oom` (the first step of a single-process
    run whose micro_batch_size is `auto`), running out of memory halves the micro-batch and
    retries the step: nothing has been updated yet, so the run is the one planned.
    """
    while True:
        try:
            return _accumulate(accelerator, model, optimizer, inputs, targets, loss_fn, grad_clip)
        except Exception as exc:  # noqa: BLE001 — re-raised unless it is an OOM we can split away
            parts, samples = int(accelerator.gradient_accumulation_steps), rows(inputs)
            if not (split_on_oom and _is_out_of_memory(exc) and parts < samples):
                raise
        # Outside the except block, so the traceback and the activations it holds are gone.
        optimizer.zero_grad(set_to_none=True)
        _release_memory()
        accelerator.gradient_accumulation_steps = accumulation_steps(samples, max(1, samples // parts // 2))
        accelerator.step = 0  # Accelerate's micro-batch counter: the retried step starts afresh


def _accumulate(accelerator: Any, model: nn.Module, optimizer: Any, inputs: Any, targets: Any,
                loss_fn: LossFn | None, grad_clip: float) -> torch.Tensor:
    parts = int(accelerator.gradient_accumulation_steps)
    inputs, targets = to_device(inputs, accelerator.device), to_device(targets, accelerator.device)
    per = rows(inputs) // parts
    total: torch.Tensor | None = None
    for i in range(parts):
        micro_inputs, micro_targets = (slice_rows(inputs, i * per, (i + 1) * per),
                                       slice_rows(targets, i * per, (i + 1) * per)) if parts > 1 else (inputs, targets)
        with accelerator.accumulate(model):
            loss = forward_loss(model, micro_inputs, micro_targets, loss_fn)
            accelerator.backward(loss)
        total = loss.detach() if total is None else total + loss.detach()
    accelerator.clip_grad_norm_(model.parameters(), grad_clip)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    assert total is not None
    return total / parts if parts > 1 else total


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


def make_optimizer(model: nn.Module, cfg: TrainConfig, fused: bool = False) -> torch.optim.Optimizer:
    """AdamW (Loshchilov & Hutter 2019, arXiv:1711.05101); weight decay on matrices and
    embeddings only, as in GPT-2/nanoGPT: decaying gains and biases only hurts. `fused`: the
    single-kernel CUDA implementation (the parameters must be on the GPU already)."""
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": cfg.weight_decay},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=cfg.lr, betas=(cfg.beta1, cfg.beta2), fused=fused)


@torch.no_grad()
def evaluate(model: nn.Module, data: Any, loss_fn: LossFn | None, cfg: TrainConfig, accelerator: Any,
             sharded: bool = False) -> float:
    """Mean held-out loss over exactly the data's first `eval_tokens` held-out tokens.

    Each batch's mean loss is weighted by the target elements it averages, so the result does
    not depend on how the tokens are grouped into batches. A replicated model (one process,
    DDP) splits the batches over the ranks and sums; a sharded one (FSDP) needs every rank
    in every forward pass, so each rank scores them all. The forward runs in the run's mixed
    precision and, under torch.compile, uncompiled (the batch shapes differ from training's).
    """
    rank, world_size = accelerator.process_index, accelerator.num_processes
    net = model if sharded else accelerator.unwrap_model(model, keep_torch_compile=False)
    net.eval()
    total = count = 0.0
    for i, (inputs, targets) in enumerate(data.eval_batches(cfg.batch_size, cfg.eval_tokens)):
        if not sharded and i % world_size != rank:
            continue
        inputs, targets = to_device(inputs, accelerator.device), to_device(targets, accelerator.device)
        with accelerator.autocast():
            loss = forward_loss(net, inputs, targets, loss_fn)
        n = target_count(inputs, targets)
        total += float(loss.item()) * n
        count += n
    net.train()
    if not sharded and world_size > 1:
        summed = accelerator.reduce(torch.tensor([total, count], dtype=torch.float64, device=accelerator.device), "sum")
        total, count = (float(v) for v in summed.tolist())
    if count == 0:
        raise ValueError("the data plugin's eval_batches() yielded nothing: no held-out loss")
    loss_value = total / count
    if not math.isfinite(loss_value):
        raise Diverged(f"held-out loss is {loss_value} after training")
    return loss_value


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
