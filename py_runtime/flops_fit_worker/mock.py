"""`--mock`: the loss comes from a known Chinchilla-form surface instead of training.

    L(N, D) = E + A / N^alpha + B / D^beta,   times exp(noise * z), z ~ N(0, 1)

seeded by the experiment id, so a run gives the same loss on every attempt. With
`lr_optimum: {c, k, weight}` the learning rate matters too: the loss is multiplied by
1 + weight * ln(lr / eta*)^2 with eta*(N) = c * N^-k, a known optimum rule that
`training.lr: calibrate` must recover. With the
defaults (Hoffmann et al. 2022 Approach 3: E=1.69, A=406.4, B=410.7, alpha=0.34,
beta=0.28) the true compute-optimal exponent is a = beta/(alpha+beta) = 0.4516.
Everything else in the task — building the model, counting its parameters, token
accounting, progress messages, the run's plan (run_plan.py: its steps, where it resumes, its
save points, whether it is evaluated) and the result (run_record.py) — is the real path.
"""
from __future__ import annotations

import hashlib
import math
import random
import time

from . import checkpoint
from .context import RunContext
from .data_utils import train_tokens
from .messages import CurvePoint, MockSurface, RunStatus, TrainResult, TrainTask
from .models import build_data, build_model
from .params import count_parameters
from .run_plan import RunPlan, plan_run
from .run_record import RunRecord, run_result
from .targets import extend_sys_path
from .tracking import RunTracker


def surface_loss(surface: MockSurface, n_params: float, n_tokens: float) -> float:
    return surface["E"] + surface["A"] / n_params ** surface["alpha"] + surface["B"] / n_tokens ** surface["beta"]


def lr_penalty(surface: MockSurface, n_params: float, lr: float) -> float:
    """The relative excess loss weight * ln(lr / eta*(N))^2 for a surface with `lr_optimum`, else 0."""
    optimum = surface.get("lr_optimum")
    if not optimum:
        return 0.0
    best = float(optimum["c"]) * n_params ** -float(optimum["k"])
    return float(optimum["weight"]) * math.log(lr / best) ** 2


def noisy_loss(surface: MockSurface, n_params: float, n_tokens: float, experiment_id: str, lr: float | None = None) -> float:
    seed = int.from_bytes(hashlib.sha256(experiment_id.encode()).digest()[:8], "big")
    z = random.Random(seed).gauss(0.0, 1.0)
    penalty = lr_penalty(surface, n_params, lr) if lr is not None else 0.0
    return surface_loss(surface, n_params, n_tokens) * (1.0 + penalty) * math.exp(surface["noise"] * z)


def mock_curve(surface: MockSurface, n_params: float, n_tokens: float, points: int = 20) -> list[CurvePoint]:
    """A plausible training curve: the surface's loss at the tokens seen so far."""
    curve: list[CurvePoint] = []
    for i in range(1, points + 1):
        tokens = n_tokens * i / points
        curve.append({"step": i, "tokens": tokens, "train_loss": surface_loss(surface, n_params, tokens)})
    return curve


def stops(plan: RunPlan, start: int, delay_s: float) -> list[int]:
    """The steps a simulated run reports, after `start`: about 20 when it takes time (so it
    can be cancelled on the way), else its last one; and every save point of its plan."""
    ticks = max(1, min(plan.total_steps, 20)) if delay_s > 0 else 1
    marks = {round(plan.total_steps * tick / ticks) for tick in range(1, ticks + 1)} | set(plan.save_points) | {plan.total_steps}
    return sorted(step for step in marks if start < step <= plan.total_steps)


def run(task: TrainTask, ctx: RunContext) -> TrainResult:
    """A --mock run of any kind (a run, a WSD trunk or branch): the real task minus the
    optimiser. It follows its plan from where it resumes to its last step, spending `delay_s`
    on the way (cancellable), saves a weightless checkpoint (run.json alone) at each save
    point, and when the plan evaluates, its loss is the surface's at its own N and D. A WSD
    branch whose trunk has not saved its branch point raises (a task error)."""
    started = time.monotonic()
    surface = task["mock"]
    assert surface is not None
    extend_sys_path(task["sys_path"])
    data = build_data(task["data"], seed=task["seed"])
    counts = count_parameters(build_model(task["model"], task["size_value"], data))
    plan = plan_run(task, int(data.tokens_per_sample))
    record = RunRecord(n_params=counts.total, n_params_embedding=counts.embedding, device="mock", train_tokens=train_tokens(data))
    record.follow(plan)
    found = plan.resume_state(record.discarded_checkpoints)
    record.step = int(found[1]["step"]) if found else 0
    record.resumed_from_step = record.step or None
    record.tracker = RunTracker.open(task, record.resumed_from_step)
    record.tracker.describe({"n_params": counts.total, "n_params_embedding": counts.embedding,
                             "n_params_non_embedding": counts.non_embedding, "total_steps": plan.total_steps,
                             "tokens_per_step": plan.tokens_per_step})
    delay = float(surface.get("delay_s", 0.0))
    status: RunStatus = "completed"
    for step in stops(plan, record.step, delay):
        if ctx.is_cancelled():
            status = "cancelled"
            break
        if delay > 0:
            time.sleep(delay * (step - record.step) / plan.total_steps)
        record.step = step
        if step in plan.save_points:
            checkpoint.write_state_only(plan.point_root(step), plan.fingerprint, step)
        ctx.progress(step, plan.total_steps, step * plan.tokens_per_step, None, None, force=True)
    if status == "completed" and plan.evaluates:
        n_tokens = record.step * plan.tokens_per_step
        record.loss = noisy_loss(surface, counts.total, n_tokens, task["experiment_id"], task["training"]["lr"])
        record.losses = [record.loss]  # the surface's loss is its training loss too
        record.curve = mock_curve(surface, counts.total, n_tokens)
        for point in record.curve:  # the mock curve's points are numbered 1..20: logged at their optimiser step
            record.tracker.log_point(max(1, round(point["tokens"] / plan.tokens_per_step)), point["train_loss"], None, point["tokens"], None)
    return run_result(task, record, status, None, time.monotonic() - started)
