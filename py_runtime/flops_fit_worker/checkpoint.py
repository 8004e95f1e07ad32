"""Checkpoints of one run, saved and loaded through Accelerate's state (so FSDP works too).

    <checkpoint_dir>/checkpoint/        accelerator.save_state(): model, optimiser, RNG of every rank
    <checkpoint_dir>/checkpoint/run.json   this run's fingerprint, step, losses and curve so far

Every rank calls `save` and `load` together (under FSDP each rank writes and reads its own
shard). A checkpoint is written into `checkpoint.tmp/` and swapped in by renames once every
rank has finished, so a crash mid-write leaves the previous checkpoint (`checkpoint/`, or
`checkpoint.old/` during the swap) intact. It resumes only the run it was written for: the
fingerprint holds the experiment, size, token budget, seed and every training setting
except `threads`, which changes speed, not the run.

A checkpoint that cannot serve (an unreadable or malformed run.json, a truncated weights or
optimiser file, or one whose loading fails) is moved aside to `<name>.discarded/` beside it,
once, and named in the run's result: the run then starts from the previous good checkpoint or
from scratch, instead of failing on it again at every attempt.
"""
from __future__ import annotations

import json
import os
import shutil
import zipfile
from typing import Any, Callable

from .messages import CurvePoint, TrainTask

FOLDER, TMP, OLD, RUN_FILE = "checkpoint", "checkpoint.tmp", "checkpoint.old", "run.json"
DISCARDED = ".discarded"


class CheckpointUnloadable(Exception):
    """A checkpoint passed its checks but failed to load; it has been moved aside."""


def _state_problem(state: Any) -> str | None:
    """Why a parsed run.json cannot describe a resumable run, or None."""
    if not isinstance(state, dict):
        return "run.json is not a JSON object"
    step = state.get("step")
    if not isinstance(step, int) or isinstance(step, bool) or step < 0:
        return f"run.json has step {json.dumps(step)}, not a number of steps"
    if not isinstance(state.get("fingerprint"), dict):
        return "run.json has no fingerprint object"
    losses = state.get("losses")
    if not isinstance(losses, list) or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in losses):
        return "run.json has no list of losses"
    if not isinstance(state.get("curve"), list):
        return "run.json has no curve list"
    return None


def _safetensors_problem(path: str) -> str | None:
    """A safetensors file is 8 bytes of header length, the JSON header, then the tensors it
    indexes: a file shorter than the header says was cut short."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) < 8:
            return f"truncated ({size} bytes: no header)"
        header_len = int.from_bytes(head, "little")
        if header_len > size - 8:
            return f"truncated ({size} bytes; its header alone takes {header_len + 8})"
        try:
            header = json.loads(f.read(header_len))
            end = max((int(entry["data_offsets"][1]) for key, entry in header.items() if key != "__metadata__"), default=0)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return "its header is not a safetensors index"
    expected = 8 + header_len + end
    return None if size == expected else f"truncated ({size} bytes of {expected})"


def _torch_file_problem(path: str) -> str | None:
    """torch.save writes a zip archive, whose directory is at its end: a cut one has none."""
    if os.path.getsize(path) == 0:
        return "empty"
    with open(path, "rb") as f:
        magic = f.read(2)
    return "truncated (its zip archive has no end)" if magic == b"PK" and not zipfile.is_zipfile(path) else None


def files_problem(folder: str) -> str | None:
    """Why the state files of a checkpoint folder cannot be loaded, or None (cheap: sizes and headers)."""
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            continue
        if name.endswith(".safetensors"):
            problem = _safetensors_problem(path)
        elif name.endswith((".bin", ".pkl", ".pt")):
            problem = _torch_file_problem(path)
        else:
            continue
        if problem:
            return f"{name} is {problem}" if not problem.startswith("its") else f"{name}: {problem}"
    return None


def discard(folder: str, reason: str) -> str:
    """Move an unusable checkpoint folder aside (replacing an older discarded one there); the
    note that names it. Another rank may have moved it already: that is the same outcome."""
    target = folder + DISCARDED
    try:
        shutil.rmtree(target, ignore_errors=True)
        os.replace(folder, target)
    except OSError:
        pass
    return f"{folder}: {reason}; moved aside to {target}"


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


def read_run_state(task: TrainTask, total_steps: int, discarded: list[str]) -> tuple[str, dict[str, Any]] | None:
    """The checkpoint folder and its run.json if it belongs to this very run and is unfinished
    (an unusable one is moved aside and noted in `discarded`)."""
    if not task["checkpoint_dir"]:
        return None
    return read_state_in(task["checkpoint_dir"], fingerprint(task), lambda step: 0 < step < total_steps, discarded)


def read_state_in(root: str, run_fingerprint: dict[str, Any], usable: Callable[[int], bool],
                  discarded: list[str]) -> tuple[str, dict[str, Any]] | None:
    """The checkpoint folder under `root` and its run.json, if stamped `run_fingerprint` at a
    usable step. A folder whose run.json or state files are damaged is moved aside (noted in
    `discarded`) and the next candidate is tried."""
    for name in (FOLDER, OLD):  # checkpoint.old survives only a crash between the two renames
        folder = os.path.join(root, name)
        if not os.path.isdir(folder):
            continue
        try:
            with open(os.path.join(folder, RUN_FILE)) as f:
                state = json.load(f)
            problem = _state_problem(state)
        except (OSError, ValueError) as exc:
            problem = f"run.json cannot be read ({type(exc).__name__}: {exc})"
        if problem is None and not (state["fingerprint"] == run_fingerprint and usable(state["step"])):
            return None  # another run's, or a finished one: start afresh (it is overwritten later)
        problem = problem or files_problem(folder)
        if problem is None:
            return folder, state
        discarded.append(discard(folder, problem))
    return None


def load_state(accelerator: Any, folder: str, discarded: list[str]) -> None:
    """Restore a checkpoint (collective). One that fails to load although it passed its checks
    is moved aside and CheckpointUnloadable raised: the run starts again without it."""
    try:
        accelerator.load_state(folder)
    except Exception as exc:  # noqa: BLE001 — whatever the loader says, this checkpoint cannot serve
        note = discard(folder, f"loading it failed ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})")
        discarded.append(note)
        raise CheckpointUnloadable(note) from exc


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
