"""Checkpoints of one run, saved and loaded through Accelerate's state (so FSDP works too).

    <checkpoint_dir>/checkpoint/        accelerator.save_state(): model, optimiser, RNG of every rank
    <checkpoint_dir>/checkpoint/run.json   this run's fingerprint, step, losses and curve so far

Every rank calls `save` and `load` together (under FSDP each rank writes and reads its own
shard). A checkpoint is written into `checkpoint.tmp/` and swapped in by renames once every
rank has finished, so a crash mid-write leaves the previous checkpoint (`checkpoint/`, or
`checkpoint.old/` during the swap) intact. It resumes only the run it was written for: the
fingerprint holds the experiment, size, token budget, seed and every training setting
except `threads`, which changes speed, not the run.
"""
from __future__ import annotations

import json
import os
import shutil
from typing import Any, Callable

from .messages import CurvePoint, TrainTask

FOLDER, TMP, OLD, RUN_FILE = "checkpoint", "checkpoint.tmp", "checkpoint.old", "run.json"


def fingerprint(task: TrainTask) -> dict[str, Any]:
    return {"experiment_id": task["experiment_id"], "size_value": task["size_value"], "n_tokens": task["n_tokens"],
            "seed": task["seed"], "training": {k: v for k, v in task["training"].items() if k != "threads"}}


def checkpoint_folder(task: TrainTask) -> str | None:
    """The folder holding the run's current checkpoint, or None when checkpoints are off."""
    return os.path.join(task["checkpoint_dir"], FOLDER) if task["checkpoint_dir"] else None


def save(accelerator: Any, task: TrainTask, step: int, losses: list[float], curve: list[CurvePoint]) -> None:
    """Write the run's state at optimiser step `step` (collective: every rank calls it)."""
    if not task["checkpoint_dir"]:
        return
    save_in(accelerator, task["checkpoint_dir"], fingerprint(task), step, losses, curve)


def save_in(accelerator: Any, root: str, run_fingerprint: dict[str, Any], step: int, losses: list[float],
            curve: list[CurvePoint]) -> None:
    """Write a checkpoint into `root` (as `root`/checkpoint/), stamped with `run_fingerprint`."""
    tmp, final, old = (os.path.join(root, name) for name in (TMP, FOLDER, OLD))
    if accelerator.is_main_process:
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
    accelerator.wait_for_everyone()
    accelerator.save_state(tmp)
    if accelerator.is_main_process:
        with open(os.path.join(tmp, RUN_FILE), "w") as f:
            json.dump({"fingerprint": run_fingerprint, "step": step, "losses": losses, "curve": curve}, f)
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        if os.path.exists(final):
            os.replace(final, old)
        os.replace(tmp, final)
        shutil.rmtree(old, ignore_errors=True)
    accelerator.wait_for_everyone()


def read_run_state(task: TrainTask, total_steps: int) -> tuple[str, dict[str, Any]] | None:
    """The checkpoint folder and its run.json if it belongs to this very run and is unfinished."""
    if not task["checkpoint_dir"]:
        return None
    return read_state_in(task["checkpoint_dir"], fingerprint(task), lambda step: 0 < step < total_steps)


def read_state_in(root: str, run_fingerprint: dict[str, Any], usable: Callable[[int], bool]) -> tuple[str, dict[str, Any]] | None:
    """The checkpoint folder under `root` and its run.json, if stamped `run_fingerprint` at a usable step."""
    for name in (FOLDER, OLD):  # checkpoint.old survives only a crash between the two renames
        folder = os.path.join(root, name)
        try:
            with open(os.path.join(folder, RUN_FILE)) as f:
                state = json.load(f)
        except (OSError, ValueError):
            continue
        if state.get("fingerprint") == run_fingerprint and usable(int(state["step"])):
            return folder, state
        return None  # another run's, or a finished one: start afresh (it is overwritten later)
    return None


def load(accelerator: Any, task: TrainTask, total_steps: int) -> dict[str, Any] | None:
    """Restore model, optimiser and RNG from this run's checkpoint (collective); its run.json
    (step, losses, curve), or None when there is nothing to resume."""
    found = read_run_state(task, total_steps)
    if found is None:
        return None
    folder, state = found
    accelerator.load_state(folder)
    return state


def write_state_only(root: str, run_fingerprint: dict[str, Any], step: int) -> None:
    """A checkpoint with no weights (run.json alone), for `--mock` runs, which train nothing."""
    folder = os.path.join(root, FOLDER)
    os.makedirs(root, exist_ok=True)
    tmp = os.path.join(root, TMP)
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    with open(os.path.join(tmp, RUN_FILE), "w") as f:
        json.dump({"fingerprint": run_fingerprint, "step": step, "losses": [], "curve": []}, f)
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)
