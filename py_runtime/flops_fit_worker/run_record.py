"""What a run has established so far, and the result message made of it, however the run
ends: trained (training.py) or simulated on the --mock surface (mock.py), completed, failed,
diverged or cancelled. One builder of the TrainResult for every run."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .data_utils import epochs_seen
from .messages import CurvePoint, RunStatus, TrainEngine, TrainResult, TrainTask, train_result
from .run_plan import RunPlan
from .step_watch import Window
from .tracking import RunTracker


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
    curve: list[CurvePoint] = field(default_factory=list)
    flops_per_token: float | None = None
    loss: float | None = None                     # held-out, at the end
    resumed_from_step: int | None = None
    steps_this_attempt: int = 0
    train_seconds: float = 0.0
    device: str = "cpu"
    world_size: int = 1
    train_tokens: int | None = None               # tokens in one pass over the training data, if the data says
    data_hints: dict[str, Any] | None = None      # the data's model_hints() (vocabulary, seq_len, ...), recorded with the run
    engine: TrainEngine | None = None             # how the run was executed (engine.describe)
    tracker: RunTracker = field(default_factory=RunTracker.none)  # W&B / TensorBoard, rank 0 only (tracking.py)
    curve_tracked: int = 0                        # curve points already handed to the tracker
    discarded_checkpoints: list[str] = field(default_factory=list)  # damaged checkpoints moved aside (checkpoint.py)

    def follow(self, plan: RunPlan) -> None:
        """Takes the plan's shape in: its steps and the tokens each trains."""
        self.tokens_per_step, self.total_steps = plan.tokens_per_step, plan.total_steps

    def add_window(self, window: Window, curve_every: int, plan: RunPlan) -> tuple[bool, bool]:
        """Take in the training losses of a window of steps (a non-finite one is divergence,
        named by its step); the window's (cancel, checkpoint) votes."""
        for offset, loss_value in enumerate(window.losses):
            step = window.first_step + offset
            if not math.isfinite(loss_value):
                raise Diverged(f"training loss became {loss_value} at step {step} of {self.total_steps} "
                               f"(lr {plan.lr(step):.3g}); lower training.lr (or "
                               f"lr_reference) or raise warmup_fraction")
            self.losses.append(loss_value)
            self.step = step + 1
            self.steps_this_attempt += 1
            if self.step % curve_every == 0 or self.step == self.total_steps:
                since = self.curve[-1]["step"] if self.curve else 0
                tail = self.losses[since:]
                self.curve.append({"step": self.step, "tokens": float(self.step * self.tokens_per_step),
                                   "train_loss": sum(tail) / len(tail)})
        return window.votes[0] > 0, window.votes[1] > 0


def run_result(task: TrainTask, record: RunRecord, status: RunStatus, error: str | None, wall_s: float) -> TrainResult:
    """The TrainResult message of the run so far; never a NaN (JSON has none). The training
    loss is the mean of the last 5% of steps; the held-out loss only a completed run's."""
    n_tokens = record.step * record.tokens_per_step
    tail = record.losses[-max(1, math.ceil(0.05 * record.total_steps)):]
    train_loss = sum(tail) / len(tail) if tail else None
    tokens_per_s = (record.steps_this_attempt * record.tokens_per_step / record.train_seconds
                    if record.train_seconds > 0 else None)
    result = train_result(
        task, status=status, n_params=record.n_params, n_params_embedding=record.n_params_embedding,
        n_tokens=n_tokens, steps=record.step, tokens_per_step=record.tokens_per_step,
        loss=record.loss if status == "completed" else None,
        train_loss=train_loss if train_loss is not None and math.isfinite(train_loss) else None,
        flops_measured=None if record.flops_per_token is None else record.flops_per_token * n_tokens,
        tokens_per_s=tokens_per_s, wall_s=wall_s, curve=record.curve, device=record.device,
        world_size=record.world_size, resumed_from_step=record.resumed_from_step, engine=record.engine,
        error=error, epochs=epochs_seen(n_tokens, record.train_tokens),
    )
    warnings = record.tracker.finish(result)  # the final held-out loss and the summary; never raises
    if warnings:
        result["tracking_warnings"] = warnings
    if record.discarded_checkpoints:
        result["discarded_checkpoints"] = record.discarded_checkpoints
    if record.data_hints is not None:
        result["data_hints"] = record.data_hints
    return result
