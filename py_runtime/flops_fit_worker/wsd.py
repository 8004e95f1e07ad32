"""Warmup–stable–decay runs: the trunk/branch side of `training.schedule: wsd` (docs/training.md).

A trunk warms up linearly for `warmup_steps`, then trains at the constant peak LR; at every
branch step it saves a checkpoint into `<trunk_dir>/branch-<step>/`. A branch resumes from
the checkpoint at its branch step S and cools down to its own last step T with the (1 − sqrt)
shape of Hägele et al. 2024 (arXiv:2405.18392): lr = min + (peak − min)·(1 − sqrt((s − S)/(T − 1 − S))).
Trunk and branches carry the same seed, batch size and training settings, so a branch's
data order is exactly the trunk's continuation (the loader skips S batches, as on a resume).

Every checkpoint of a trunk is stamped with the trunk's fingerprint: its id (a hash of
everything that determines its training), seed and training settings less `threads`. A
branch loads only a checkpoint with its own trunk's fingerprint at its own branch step.
"""
from __future__ import annotations

import math
import os
import re
from typing import Any

from . import checkpoint
from .messages import TrainTask, WsdTask

BRANCH_FOLDER = re.compile(r"^branch-(\d+)$")


def wsd_of(task: TrainTask) -> WsdTask | None:
    return task.get("wsd")


def trunk_fingerprint(task: TrainTask) -> dict[str, Any]:
    wsd = task.get("wsd")
    assert wsd is not None
    return {"trunk_id": wsd["trunk_id"], "seed": task["seed"],
            "training": {k: v for k, v in task["training"].items() if k != "threads"}}


def branch_root(wsd: WsdTask, step: int) -> str:
    return os.path.join(wsd["trunk_dir"], f"branch-{step}")


def wsd_lr(step: int, total_steps: int, peak: float, min_lr_fraction: float, warmup_steps: int,
           decay_start: int | None) -> float:
    """LR at optimiser step `step`: linear warmup, constant, then (from `decay_start`, if any)
    a (1 − sqrt) cooldown landing on min_lr_fraction · peak at the last step."""
    if step < warmup_steps:
        return peak * (step + 1) / warmup_steps
    if decay_start is None or step < decay_start:
        return peak
    decay_steps = total_steps - 1 - decay_start
    progress = 1.0 if decay_steps <= 0 else min(1.0, (step - decay_start) / decay_steps)
    low = min_lr_fraction * peak
    return low + (1.0 - math.sqrt(progress)) * (peak - low)


def latest_trunk_state(task: TrainTask, discarded: list[str]) -> tuple[str, dict[str, Any]] | None:
    """The trunk's most advanced checkpoint (its periodic one or a branch point's) that is not
    past a branch point still lacking its checkpoint, if any. A damaged checkpoint is moved
    aside (noted in `discarded`): a branch point's is then rebuilt by this trunk."""
    wsd = task.get("wsd")
    assert wsd is not None and wsd["role"] == "trunk"
    fingerprint = trunk_fingerprint(task)
    missing = [step for step in wsd["branch_steps"] if not _saved_at(wsd, fingerprint, step, discarded)]
    limit = min(missing, default=max(wsd["branch_steps"]))
    roots = [os.path.join(wsd["trunk_dir"], "periodic")]
    if os.path.isdir(wsd["trunk_dir"]):
        roots += [os.path.join(wsd["trunk_dir"], name) for name in os.listdir(wsd["trunk_dir"]) if BRANCH_FOLDER.match(name)]
    best: tuple[str, dict[str, Any]] | None = None
    for root in roots:
        found = checkpoint.read_state_in(root, fingerprint, lambda step: 0 < step <= limit, discarded)
        if found is not None and (best is None or int(found[1]["step"]) > int(best[1]["step"])):
            best = found
    return best


def _saved_at(wsd: WsdTask, fingerprint: dict[str, Any], step: int, discarded: list[str]) -> bool:
    def at_step(saved: int) -> bool:
        return saved == step
    return checkpoint.read_state_in(branch_root(wsd, step), fingerprint, at_step, discarded) is not None


def branch_state(task: TrainTask, discarded: list[str]) -> tuple[str, dict[str, Any]]:
    """The trunk's checkpoint at this branch's branch step; a clear error when it is missing
    (a damaged one is moved aside first, so that the trunk rebuilds it)."""
    wsd = task.get("wsd")
    assert wsd is not None and wsd["role"] == "branch"
    step = wsd["branch_steps"][0]
    before = len(discarded)
    found = checkpoint.read_state_in(branch_root(wsd, step), trunk_fingerprint(task), lambda saved: saved == step, discarded)
    if found is None:
        why = (f"its checkpoint there was unusable ({'; '.join(discarded[before:])}); the trunk rebuilds it"
               if len(discarded) > before else "or one written by another trunk")
        raise RuntimeError(f"trunk {wsd['trunk_id']} has no checkpoint at step {step} in {branch_root(wsd, step)} "
                           f"({why}): the branch cannot start")
    return found
