"""Task handlers: `probe` (parameter counts and FLOPs per token at many sizes) and `train`.

A handler returns the result message; an exception it raises becomes a `task_error`
message (the worker lives on). Failures *of a run* (divergence, OOM, an exception in the
model) are results with a status, produced by the training loop itself.
"""
from __future__ import annotations

import math
import time
from typing import Any

from . import checkpoint, mock, wsd as wsd_runs
from .context import RunContext
from .messages import RunStatus, ProbeResult, ProbeSize, ProbeTask, TrainResult, TrainTask, UnbuildableSize, probe_result, train_result
from .models import build_data, build_loss, build_model
from .data_utils import epochs_seen, train_tokens
from .params import count_parameters
from .preflight import check_target_alignment
from .targets import TargetError, extend_sys_path
from .tracking import RunTracker


def run_probe(task: ProbeTask) -> ProbeResult:
    """Parameter counts at every size; with `measure_flops`, one real training step per size.

    A size whose model does not build (heads that do not divide the width, say) is reported
    in `unbuildable`, not raised: the planner leaves it out and says so. With
    `measure_flops` each size also takes one forward/backward step (its FLOPs counted by
    torch); a step that fails is the size's `flops_error`, which stops the plan; and the
    targets' alignment is checked once (preflight.py), raising TargetMisalignment.
    """
    extend_sys_path(task["sys_path"])
    data = build_data(task["data"], seed=0)
    loss_fn = build_loss(task["loss"])
    tokens_per_sample = int(data.tokens_per_sample)
    sizes: list[ProbeSize] = []
    unbuildable: list[UnbuildableSize] = []
    aligned = False
    for size_value in task["size_values"]:
        try:
            model = build_model(task["model"], size_value, data)
        except TargetError:
            raise
        except Exception as exc:  # noqa: BLE001 — a size the model family cannot take
            unbuildable.append({"size_value": size_value, "error": f"{type(exc).__name__}: {exc}"})
            continue
        counts = count_parameters(model)
        flops_per_token: float | None = None
        flops_error: str | None = None
        if task["measure_flops"]:
            from .flops import measure_flops_per_token

            try:
                flops_per_token = measure_flops_per_token(model, data, loss_fn)
            except Exception as exc:  # noqa: BLE001 — reported per size; the planner stops on it
                flops_error = f"{type(exc).__name__}: {exc}"
            if flops_error is None and not aligned:
                check_target_alignment(model, data, loss_fn)  # once: a property of data, loss and model family
                aligned = True
        sizes.append({
            "size_value": size_value,
            "n_params": counts.total,
            "n_params_embedding": counts.embedding,
            "n_params_non_embedding": counts.non_embedding,
            "flops_per_token": flops_per_token,
            "flops_error": flops_error,
        })
        del model
    return probe_result(task, sizes=sizes, tokens_per_sample=tokens_per_sample, train_tokens=train_tokens(data),
                        unbuildable=unbuildable)


def run_mock_train(task: TrainTask, ctx: RunContext) -> TrainResult:
    """The real task minus the optimiser: build the model, count it, evaluate the surface."""
    started = time.monotonic()
    extend_sys_path(task["sys_path"])
    data = build_data(task["data"], seed=task["seed"])
    model = build_model(task["model"], task["size_value"], data)
    counts = count_parameters(model)
    surface = task["mock"]
    assert surface is not None
    batch_tokens = task["training"]["batch_size"] * int(data.tokens_per_sample)
    total_steps = max(1, math.ceil(task["n_tokens"] / batch_tokens))
    n_tokens = total_steps * batch_tokens

    def report(step: int, tokens: float, train_loss: float | None) -> None:
        ctx.progress(step, total_steps, tokens, train_loss, None, force=True)

    finished = mock.simulate(surface, total_steps, batch_tokens, report, lambda: ctx.is_cancelled())
    n_for_surface = counts.total
    loss = mock.noisy_loss(surface, n_for_surface, n_tokens, task["experiment_id"], task["training"]["lr"]) if finished else None
    result = train_result(
        task, status="completed" if finished else "cancelled", n_params=counts.total,
        n_params_embedding=counts.embedding, n_tokens=n_tokens, steps=total_steps, tokens_per_step=batch_tokens,
        loss=loss, train_loss=loss, flops_measured=None, tokens_per_s=None, wall_s=time.monotonic() - started,
        curve=mock.mock_curve(surface, n_for_surface, n_tokens) if finished else [], device="mock", world_size=1,
        resumed_from_step=None, engine=None, error=None, epochs=epochs_seen(n_tokens, train_tokens(data)),
    )
    _track_mock(task, result, counts)
    return result


def _track_mock(task: TrainTask, result: TrainResult, counts: Any) -> None:
    """Log a --mock run like a real one (its surface's curve, its loss), so trackers can be tried in seconds."""
    tracker = RunTracker.open(task)
    tracker.describe({"n_params": counts.total, "n_params_embedding": counts.embedding,
                      "n_params_non_embedding": counts.non_embedding, "total_steps": result["steps"],
                      "tokens_per_step": result["tokens_per_step"]})
    for point in result["curve"]:  # the mock curve's points are numbered 1..20: log them at their optimiser step
        step = max(1, round(point["tokens"] / result["tokens_per_step"]))
        tracker.log_point(step, point["train_loss"], None, point["tokens"], None)
    warnings = tracker.finish(result)
    if warnings:
        result["tracking_warnings"] = warnings


def run_mock_wsd(task: TrainTask, ctx: RunContext) -> TrainResult:
    """A `--mock` WSD trunk or branch: the real plumbing (checkpoints at branch points, stamped
    with the trunk's fingerprint, found and checked by the branch) without training. A trunk
    writes a weightless checkpoint at each branch step it has not reached before; a branch
    needs its trunk's, then evaluates the surface at its own N and D."""
    started = time.monotonic()
    wsd = task.get("wsd")
    surface = task["mock"]
    assert wsd is not None and surface is not None
    extend_sys_path(task["sys_path"])
    data = build_data(task["data"], seed=task["seed"])
    counts = count_parameters(build_model(task["model"], task["size_value"], data))
    batch_tokens = task["training"]["batch_size"] * int(data.tokens_per_sample)
    delay = float(surface.get("delay_s", 0.0))
    fingerprint = wsd_runs.trunk_fingerprint(task)
    loss: float | None = None
    if wsd["role"] == "trunk":
        total_steps = max(wsd["branch_steps"])
        found = wsd_runs.latest_trunk_state(task, [])
        done = int(found[1]["step"]) if found else 0
        resumed_from = done or None
        for step in sorted(wsd["branch_steps"]):
            if step <= done:
                continue
            if ctx.is_cancelled():
                return _mock_wsd_result(task, counts, done, batch_tokens, "cancelled", None, started, resumed_from, data)
            time.sleep(delay * (step - done) / total_steps)
            checkpoint.write_state_only(wsd_runs.branch_root(wsd, step), fingerprint, step)
            done = step
            ctx.progress(step, total_steps, step * batch_tokens, None, None, force=True)
        return _mock_wsd_result(task, counts, total_steps, batch_tokens, "completed", None, started, resumed_from, data)
    branch_step = wsd["branch_steps"][0]
    wsd_runs.branch_state(task, [])  # the trunk's checkpoint at the branch step, or a clear failure
    total_steps = max(1, math.ceil(task["n_tokens"] / batch_tokens))
    time.sleep(delay * (total_steps - branch_step) / total_steps)
    if ctx.is_cancelled():
        return _mock_wsd_result(task, counts, branch_step, batch_tokens, "cancelled", None, started, branch_step, data)
    ctx.progress(total_steps, total_steps, total_steps * batch_tokens, None, None, force=True)
    loss = mock.noisy_loss(surface, counts.total, total_steps * batch_tokens, task["experiment_id"], task["training"]["lr"])
    return _mock_wsd_result(task, counts, total_steps, batch_tokens, "completed", loss, started, branch_step, data)


def _mock_wsd_result(task: TrainTask, counts: Any, steps: int, batch_tokens: int, status: RunStatus, loss: float | None,
                     started: float, resumed_from: int | None, data: Any) -> TrainResult:
    n_tokens = steps * batch_tokens
    surface = task["mock"]
    assert surface is not None
    return train_result(
        task, status=status, n_params=counts.total, n_params_embedding=counts.embedding, n_tokens=n_tokens, steps=steps,
        tokens_per_step=batch_tokens, loss=loss, train_loss=loss, flops_measured=None, tokens_per_s=None,
        wall_s=time.monotonic() - started,
        curve=mock.mock_curve(surface, counts.total, n_tokens) if loss is not None else [], device="mock", world_size=1,
        resumed_from_step=resumed_from, engine=None, error=None, epochs=epochs_seen(n_tokens, train_tokens(data)),
    )


def run_train(task: TrainTask, ctx: RunContext) -> TrainResult:
    if task["mock"] is not None and task.get("wsd"):
        return run_mock_wsd(task, ctx)
    if task["mock"] is not None:
        return run_mock_train(task, ctx)
    from .training import train  # imported lazily: the mock path needs no optimiser

    return train(task, ctx)
