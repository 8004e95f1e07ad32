"""One plan per run, resolved once from its task: how many steps it trains, its learning rate
at every step, where it resumes from, where it saves, and whether it is evaluated.

    plan = plan_run(task, tokens_per_sample)

- a run of its own (cosine): trains ceil(D / tokens per step) steps with linear warmup and a
  cosine decay landing on the floor at its last step; resumes from and saves to its own
  checkpoint; evaluated at the end;
- a WSD trunk (wsd.py): trains to its last branch point at the peak learning rate after its
  warmup; resumes from its most advanced checkpoint; saves a checkpoint at every branch point
  (where its branches start) besides its periodic one; not a point, so not evaluated;
- a WSD branch: resumes from its trunk's checkpoint at its branch step (or its own, when an
  attempt of it saved one) and cools down to its last step; evaluated.

The training loop (training.py) and the --mock run (mock.py) follow the same plan, so neither
asks which kind of run it is.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from . import checkpoint, wsd as wsd_runs
from .messages import TrainingHyper, TrainTask


@dataclass(frozen=True)
class TrainConfig:
    """The task's training hyper-parameters the loop reads (messages.TrainingHyper, which has
    their meaning), as numbers; mixed_precision, compile and micro_batch_size are read by
    engine.EngineSettings. No defaults: the orchestrator's config schema sets every one, and
    tests/test_messages.py checks these fields against the wire schema."""

    batch_size: int
    lr: float
    warmup_fraction: float
    min_lr_fraction: float
    weight_decay: float
    beta1: float
    beta2: float
    grad_clip: float
    eval_tokens: int
    threads: int
    checkpoint_interval_s: float

    @classmethod
    def from_task(cls, training: TrainingHyper) -> TrainConfig:
        return cls(
            batch_size=int(training["batch_size"]), lr=float(training["lr"]),
            warmup_fraction=float(training["warmup_fraction"]), min_lr_fraction=float(training["min_lr_fraction"]),
            weight_decay=float(training["weight_decay"]), beta1=float(training["beta1"]),
            beta2=float(training["beta2"]), grad_clip=float(training["grad_clip"]),
            eval_tokens=int(training["eval_tokens"]), threads=int(training["threads"]),
            checkpoint_interval_s=float(training["checkpoint_interval_s"]),
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


def steps_for(n_tokens: float, tokens_per_step: int) -> int:
    """Optimiser steps that train `n_tokens`: whole steps, at least one (the run trains D ± one step)."""
    return max(1, math.ceil(float(n_tokens) / tokens_per_step))


Found = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class RunPlan:
    """A run of its own, with the cosine schedule (the base every plan shares)."""

    task: TrainTask
    cfg: TrainConfig
    tokens_per_step: int
    total_steps: int
    #: Whether the run is a point of the law: evaluated on held-out data at its end.
    evaluates: bool = True
    #: Steps after which a checkpoint must be saved whatever the clock says (point_root).
    save_points: frozenset[int] = field(default_factory=frozenset)

    def lr(self, step: int) -> float:
        """The learning rate at optimiser step `step` (0-based)."""
        return get_lr(step, self.total_steps, self.cfg)

    @property
    def resume_root(self) -> str | None:
        """Where the run saves the checkpoint it resumes from (None: checkpoints are off)."""
        return self.task["checkpoint_dir"] or None

    @property
    def fingerprint(self) -> dict[str, Any]:
        """What its own checkpoints are stamped with: they resume only this very run."""
        return checkpoint.fingerprint(self.task)

    def resume_state(self, discarded: list[str]) -> Found | None:
        """The checkpoint to resume from and its run.json, if any (a damaged one is moved aside, noted in `discarded`)."""
        return checkpoint.read_run_state(self.task, self.total_steps, discarded)

    def point_root(self, step: int) -> str:
        """Where the checkpoint at save point `step` goes."""
        raise ValueError(f"a run of its own has no save point at step {step}")


@dataclass(frozen=True)
class TrunkPlan(RunPlan):
    """A WSD trunk: warmup, then the peak learning rate to its last branch point; a checkpoint at each."""

    def lr(self, step: int) -> float:
        wsd = self.task["wsd"]
        assert wsd is not None
        return wsd_runs.wsd_lr(step, self.total_steps, self.cfg.lr, self.cfg.min_lr_fraction, wsd["warmup_steps"], None)

    @property
    def fingerprint(self) -> dict[str, Any]:
        return wsd_runs.trunk_fingerprint(self.task)

    def resume_state(self, discarded: list[str]) -> Found | None:
        return wsd_runs.latest_trunk_state(self.task, discarded)

    def point_root(self, step: int) -> str:
        wsd = self.task["wsd"]
        assert wsd is not None
        return wsd_runs.branch_root(wsd, step)


@dataclass(frozen=True)
class BranchPlan(RunPlan):
    """A WSD branch: from its trunk's checkpoint at its branch step, a (1 − sqrt) cooldown to its last step."""

    def lr(self, step: int) -> float:
        wsd = self.task["wsd"]
        assert wsd is not None
        return wsd_runs.wsd_lr(step, self.total_steps, self.cfg.lr, self.cfg.min_lr_fraction, wsd["warmup_steps"], wsd["branch_steps"][0])

    def resume_state(self, discarded: list[str]) -> Found | None:
        # An attempt of the branch that saved its own checkpoint resumes there; else from the trunk's.
        return super().resume_state(discarded) or wsd_runs.branch_state(self.task, discarded)


def plan_run(task: TrainTask, tokens_per_sample: int) -> RunPlan:
    """The plan of the run `task` names (its data says how many tokens one sample holds)."""
    cfg = TrainConfig.from_task(task["training"])
    tokens_per_step = cfg.batch_size * int(tokens_per_sample)
    total_steps = steps_for(task["n_tokens"], tokens_per_step)
    wsd = task.get("wsd")
    if wsd is None:
        return RunPlan(task, cfg, tokens_per_step, total_steps)
    if wsd["role"] == "trunk":  # a trunk ends at its last branch point
        return TrunkPlan(task, cfg, tokens_per_step, max(wsd["branch_steps"]), evaluates=False, save_points=frozenset(wsd["branch_steps"]))
    return BranchPlan(task, cfg, tokens_per_step, total_steps)


def save_resumable(plan: RunPlan, accelerator: Any, step: int, losses: list[float], curve: list[Any]) -> None:
    """Saves the checkpoint the run resumes from (collective: every rank calls it); nothing when checkpoints are off."""
    if plan.resume_root:
        checkpoint.save_in(accelerator, plan.resume_root, plan.fingerprint, step, losses, curve)


def save_point(plan: RunPlan, accelerator: Any, step: int, losses: list[float], curve: list[Any]) -> None:
    """Saves the checkpoint at save point `step` (a trunk's branch point: where its branch starts)."""
    checkpoint.save_in(accelerator, plan.point_root(step), plan.fingerprint, step, losses, curve)

