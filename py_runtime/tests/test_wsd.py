"""Warmup-stable-decay trunks and branches (wsd.py, training.py): schedule, checkpoints at
branch points, a branch as the trunk's exact continuation, resume, integrity."""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from conftest import Recorder, make_task

from flops_fit_worker.protocol import check_outgoing
from flops_fit_worker.tasks import run_train
from flops_fit_worker.training import train
from flops_fit_worker.wsd import wsd_lr


def wsd_task(corpus: Path, trunk_dir: Path, role: str, branch_steps: list[int], n_tokens: int,
             **overrides: Any) -> dict[str, Any]:
    training = {"schedule": "wsd", "cooldown_fraction": 0.2, **overrides.pop("training", {})}
    task = make_task(corpus, n_tokens=n_tokens, experiment_id=f"{role}-{branch_steps[0]}", training=training, **overrides)
    task["wsd"] = {"trunk_id": "trunk-abc", "role": role, "warmup_steps": 2, "branch_steps": branch_steps,
                   "trunk_dir": str(trunk_dir)}
    return task


def run(task: dict[str, Any], cancel_after: int | None = None) -> dict[str, Any]:
    rec = Recorder(task, cancel_after)
    result = run_train(task, rec.ctx) if task["mock"] else train(task, rec.ctx)  # type: ignore[arg-type]
    check_outgoing(result)
    return dict(result)


def test_wsd_lr_warms_up_holds_the_peak_then_cools_down_by_one_minus_sqrt_to_the_floor() -> None:
    lrs = [wsd_lr(step, 100, 1e-3, 0.1, warmup_steps=10, decay_start=80) for step in range(100)]
    assert lrs[0] == pytest.approx(1e-4) and lrs[9] == pytest.approx(1e-3)
    assert all(lr == pytest.approx(1e-3) for lr in lrs[10:81])       # stable until the branch step (inclusive)
    assert lrs[-1] == pytest.approx(1e-4)                             # the floor at the last step
    quarter = 80 + round(0.25 * 19)
    expected = 1e-4 + (1 - math.sqrt((quarter - 80) / 19)) * 9e-4     # (1 - sqrt) shape
    assert lrs[quarter] == pytest.approx(expected)
    assert all(a >= b for a, b in zip(lrs[80:], lrs[81:]))
    assert wsd_lr(500, 100, 1e-3, 0.1, warmup_steps=10, decay_start=None) == pytest.approx(1e-3)  # a trunk never decays


def test_a_trunk_saves_a_checkpoint_at_every_branch_point_and_is_no_point_itself(corpus_file: Path, tmp_path: Path) -> None:
    result = run(wsd_task(corpus_file, tmp_path, "trunk", [5, 9], n_tokens=9 * 128))
    assert result["status"] == "completed" and result["steps"] == 9 and result["loss"] is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["branch-5", "branch-9"]
    assert all((tmp_path / name / "checkpoint" / "run.json").exists() for name in ("branch-5", "branch-9"))


def test_a_branch_continues_the_trunk_exactly(corpus_file: Path, tmp_path: Path) -> None:
    # With the floor at the peak (min_lr_fraction 1) the cooldown keeps the trunk's LR, so a
    # branch from step 5 to step 12 must retrace the trunk's own steps 5..12: same weights,
    # same optimiser and RNG state, same batches (the data order continues).
    flat = {"min_lr_fraction": 1.0}
    trunk = run(wsd_task(corpus_file, tmp_path, "trunk", [5, 12], n_tokens=12 * 128, training=flat))
    branch = run(wsd_task(corpus_file, tmp_path, "branch", [5], n_tokens=12 * 128, training=flat))
    assert branch["status"] == "completed" and branch["resumed_from_step"] == 5 and branch["steps"] == 12
    trunk_losses = json.loads((tmp_path / "branch-12" / "checkpoint" / "run.json").read_text())["losses"]
    assert len(trunk_losses) == 12 and trunk["steps"] == 12
    # The branch's train_loss is the mean of its last ceil(5% of 12) = 1 step: the trunk's step 12.
    assert branch["train_loss"] == pytest.approx(trunk_losses[-1], rel=1e-6)
    assert branch["loss"] is not None


def test_a_killed_trunk_resumes_from_its_last_branch_checkpoint(corpus_file: Path, tmp_path: Path) -> None:
    first = run(wsd_task(corpus_file, tmp_path, "trunk", [3, 10], n_tokens=10 * 128), cancel_after=6)
    assert first["status"] == "cancelled"
    again = run(wsd_task(corpus_file, tmp_path, "trunk", [3, 10], n_tokens=10 * 128, attempt=2))
    assert again["status"] == "completed" and again["resumed_from_step"] is not None and again["resumed_from_step"] >= 3


def test_a_branch_refuses_a_checkpoint_of_another_trunk(corpus_file: Path, tmp_path: Path) -> None:
    run(wsd_task(corpus_file, tmp_path, "trunk", [4], n_tokens=4 * 128))
    other = wsd_task(corpus_file, tmp_path, "branch", [4], n_tokens=6 * 128, training={"lr": 1e-2})  # not the trunk's settings
    result = run(other)
    assert result["status"] == "failed" and "no checkpoint at step 4" in (result["error"] or "")


def test_mock_trunks_and_branches_use_the_same_checkpoint_plumbing(corpus_file: Path, tmp_path: Path) -> None:
    surface = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28, "noise": 0.0, "delay_s": 0.0}
    early = wsd_task(corpus_file, tmp_path, "branch", [4], n_tokens=5 * 128, mock=surface)
    with pytest.raises(RuntimeError, match="no checkpoint at step 4"):
        run(early)
    trunk = run(wsd_task(corpus_file, tmp_path, "trunk", [4, 8], n_tokens=8 * 128, mock=surface))
    assert trunk["status"] == "completed" and trunk["steps"] == 8 and trunk["loss"] is None
    branch = run(early)
    assert branch["status"] == "completed" and branch["resumed_from_step"] == 4 and branch["n_tokens"] == 5 * 128
    again = run(wsd_task(corpus_file, tmp_path, "trunk", [4, 8], n_tokens=8 * 128, mock=surface, attempt=2))
    assert again["resumed_from_step"] == 8  # nothing left to do: every branch point is saved


def test_a_damaged_branch_checkpoint_is_moved_aside_and_the_trunk_rebuilds_it(corpus_file: Path, tmp_path: Path) -> None:
    run(wsd_task(corpus_file, tmp_path, "trunk", [4, 8], n_tokens=8 * 128))
    (tmp_path / "branch-4" / "checkpoint" / "run.json").write_text('{"step": "abc"}')
    branch = wsd_task(corpus_file, tmp_path, "branch", [4], n_tokens=6 * 128)
    failed = run(branch)
    assert failed["status"] == "failed"
    assert "its checkpoint there was unusable" in (failed["error"] or "") and "the trunk rebuilds it" in (failed["error"] or "")
    assert failed["discarded_checkpoints"] and (tmp_path / "branch-4" / "checkpoint.discarded").is_dir()
    rebuilt = run(wsd_task(corpus_file, tmp_path, "trunk", [4], n_tokens=4 * 128, attempt=2))
    assert rebuilt["status"] == "completed" and (tmp_path / "branch-4" / "checkpoint" / "run.json").exists()
    assert run(branch)["status"] == "completed"
