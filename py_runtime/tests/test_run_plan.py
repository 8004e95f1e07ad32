"""One plan per run (run_plan.py), resolved once from the task, for cosine runs, WSD trunks and
branches; the --mock run (mock.py) follows the same plan as training does."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import Recorder, make_task

from flops_fit_worker import mock
from flops_fit_worker.protocol import check_outgoing
from flops_fit_worker.run_plan import BranchPlan, RunPlan, TrunkPlan, get_lr, plan_run, steps_for
from flops_fit_worker.wsd import wsd_lr

SURFACE = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28, "noise": 0.0, "delay_s": 0.0}


def wsd(task: dict[str, Any], role: str, branch_steps: list[int], trunk_dir: Path) -> dict[str, Any]:
    task["training"] = {**task["training"], "schedule": "wsd", "cooldown_fraction": 0.2}
    task["wsd"] = {"trunk_id": "trunk-abc", "role": role, "warmup_steps": 2, "branch_steps": branch_steps, "trunk_dir": str(trunk_dir)}
    return task


def test_steps_are_whole_and_at_least_one() -> None:
    assert [steps_for(n, 128) for n in (1, 128, 129, 1280)] == [1, 1, 2, 10]


def test_a_cosine_run_trains_its_tokens_on_its_own_schedule_resumes_from_its_own_checkpoint_and_is_evaluated(corpus_file: Path, tmp_path: Path) -> None:
    task = make_task(corpus_file, n_tokens=2000, checkpoint_dir=str(tmp_path / "run"))
    plan = plan_run(task, 16)  # type: ignore[arg-type]
    assert type(plan) is RunPlan and plan.tokens_per_step == 8 * 16 and plan.total_steps == 16
    assert [plan.lr(s) for s in range(16)] == [get_lr(s, 16, plan.cfg) for s in range(16)]
    assert plan.evaluates and plan.save_points == frozenset() and plan.resume_root == str(tmp_path / "run")
    assert plan.resume_state([]) is None


def test_a_trunk_trains_to_its_last_branch_point_saves_there_and_is_not_evaluated(corpus_file: Path, tmp_path: Path) -> None:
    plan = plan_run(wsd(make_task(corpus_file, n_tokens=99 * 128), "trunk", [5, 9], tmp_path), 16)  # type: ignore[arg-type]
    assert type(plan) is TrunkPlan and plan.total_steps == 9 and not plan.evaluates
    assert plan.save_points == frozenset({5, 9}) and plan.point_root(5) == str(tmp_path / "branch-5")
    assert [plan.lr(s) for s in range(9)] == [wsd_lr(s, 9, plan.cfg.lr, plan.cfg.min_lr_fraction, 2, None) for s in range(9)]


def test_a_branch_cools_down_from_its_branch_step_and_needs_its_trunks_checkpoint(corpus_file: Path, tmp_path: Path) -> None:
    plan = plan_run(wsd(make_task(corpus_file, n_tokens=12 * 128), "branch", [8], tmp_path), 16)  # type: ignore[arg-type]
    assert type(plan) is BranchPlan and plan.total_steps == 12 and plan.evaluates and plan.save_points == frozenset()
    assert [plan.lr(s) for s in range(12)] == [wsd_lr(s, 12, plan.cfg.lr, plan.cfg.min_lr_fraction, 2, 8) for s in range(12)]
    with pytest.raises(RuntimeError, match="no checkpoint at step 8"):
        plan.resume_state([])


def test_the_mock_follows_the_plan_of_its_task(corpus_file: Path, tmp_path: Path) -> None:
    task = make_task(corpus_file, n_tokens=2000, mock=SURFACE)
    result = mock.run(task, Recorder(task).ctx)  # type: ignore[arg-type]
    check_outgoing(result)
    plan = plan_run(task, 16)  # type: ignore[arg-type]
    assert result["status"] == "completed" and result["steps"] == plan.total_steps and result["n_tokens"] == plan.total_steps * plan.tokens_per_step
    assert result["loss"] == result["train_loss"] == pytest.approx(mock.surface_loss(SURFACE, result["n_params"], result["n_tokens"]))
    # The learning rate the task carries is the one the surface judges (mock.lr_optimum).
    optimum = {**SURFACE, "lr_optimum": {"c": 1.0, "k": 0.5, "weight": 0.05}}
    losses = [mock.run(t, Recorder(t).ctx)["loss"] for t in (make_task(corpus_file, mock=optimum, training={"lr": lr}) for lr in (1e-3, 1e-1))]  # type: ignore[arg-type]
    assert losses[0] != losses[1]
    # A trunk saves its branch points (run.json alone) and is no point; cancelled, it reports how far it got.
    trunk = wsd(make_task(corpus_file, n_tokens=8 * 128, mock={**SURFACE, "delay_s": 0.2}), "trunk", [4, 8], tmp_path)
    cancelled = mock.run(trunk, Recorder(trunk, cancel_after=4).ctx)  # type: ignore[arg-type]
    assert cancelled["status"] == "cancelled" and 0 < cancelled["steps"] < 8 and (tmp_path / "branch-4" / "checkpoint" / "run.json").exists()
    done = mock.run({**trunk, "attempt": 2}, Recorder(trunk).ctx)  # type: ignore[arg-type]
    assert done["status"] == "completed" and done["resumed_from_step"] == 4 and done["steps"] == 8 and done["loss"] is None
