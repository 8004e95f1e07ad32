"""The training loop: token accounting, schedule, held-out eval, failure statuses, resume."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch
from conftest import Recorder, make_task

from flops_fit_worker import training
from flops_fit_worker.engine import EngineSettings, make_accelerator
from flops_fit_worker.models import build_data, build_loss, build_model
from flops_fit_worker.protocol import check_outgoing
from flops_fit_worker.targets import TargetError
from flops_fit_worker.tasks import run_train
from flops_fit_worker.run_plan import TrainConfig, get_lr
from flops_fit_worker.training import train


def config(**overrides: float) -> TrainConfig:
    base = dict(batch_size=8, lr=1e-3, warmup_fraction=0.1, min_lr_fraction=0.1, weight_decay=0.1, beta1=0.9,
                beta2=0.95, grad_clip=1.0, eval_tokens=512, threads=1, checkpoint_interval_s=300)
    return TrainConfig.from_task({**base, **overrides})


def run(task: dict, cancel_after: int | None = None) -> tuple[dict, Recorder]:
    rec = Recorder(task, cancel_after)
    result = train(task, rec.ctx)
    check_outgoing(result)  # every result, whatever its status, is a valid TrainResult message
    return result, rec


# ------------------------------------------------------------------ the schedule

def test_get_lr_warms_up_linearly_then_decays_by_cosine_to_the_floor_at_the_last_step() -> None:
    cfg = config(lr=1e-3, warmup_fraction=0.1, min_lr_fraction=0.1)
    total = 100
    lrs = [get_lr(step, total, cfg) for step in range(total)]
    assert lrs[0] == pytest.approx(1e-4)                     # step 0 already moves: lr·1/10
    assert lrs[9] == pytest.approx(1e-3)                     # end of the 10 warmup steps: the peak
    assert all(a < b for a, b in zip(lrs[:9], lrs[1:10]))    # linear rise
    assert all(a >= b for a, b in zip(lrs[9:], lrs[10:]))    # monotone decay afterwards
    assert lrs[-1] == pytest.approx(1e-4)                    # min_lr_fraction·lr exactly at the horizon
    mid = 10 + (total - 1 - 10) / 2                          # half-way through the cosine: the mean of peak and floor
    assert get_lr(int(mid), total, cfg) == pytest.approx(5.5e-4, rel=0.02)
    assert get_lr(5, total, cfg) == get_lr(5, total, cfg)    # pure


def test_get_lr_handles_runs_too_short_for_warmup_or_decay() -> None:
    assert get_lr(0, 1, config(lr=1e-3, warmup_fraction=0.05)) == pytest.approx(1e-4)
    assert get_lr(0, 5, config(lr=1e-3, warmup_fraction=0.0)) == pytest.approx(1e-3)
    assert all(math.isfinite(get_lr(s, 3, config(warmup_fraction=0.5))) for s in range(3))


# ------------------------------------------------------------------ token accounting

@pytest.mark.parametrize("n_tokens, steps", [(2000, 16), (2048, 16), (1, 1)])
def test_train_sees_the_planned_tokens_within_one_batch(corpus_file: Path, n_tokens: int, steps: int) -> None:
    result, rec = run(make_task(corpus_file, n_tokens=n_tokens))
    tokens_per_step = 8 * 16
    assert result["status"] == "completed"
    assert result["steps"] == steps == math.ceil(n_tokens / tokens_per_step)
    assert result["n_tokens"] == steps * tokens_per_step
    assert n_tokens <= result["n_tokens"] < n_tokens + tokens_per_step
    assert result["tokens_per_step"] == tokens_per_step
    assert result["flops_6nd"] == pytest.approx(6 * result["n_params"] * result["n_tokens"])
    assert result["flops_measured"] > 0
    progress = [m for m in rec.messages if m["type"] == "progress"]
    assert progress[-1]["step"] == progress[-1]["total_steps"] == steps  # the last step is always reported


def test_train_result_records_a_curve_of_about_fifty_points_and_the_tail_mean_train_loss(corpus_file: Path) -> None:
    result, _ = run(make_task(corpus_file, n_tokens=160 * 128, training={"lr": 1e-2}))
    assert result["steps"] == 160
    assert 45 <= len(result["curve"]) <= 55
    assert [p["step"] for p in result["curve"]] == sorted(p["step"] for p in result["curve"])
    assert result["curve"][-1]["step"] == 160 and result["curve"][-1]["tokens"] == result["n_tokens"]
    assert result["curve"][-1]["train_loss"] < result["curve"][0]["train_loss"]  # it learns
    assert result["loss"] < math.log(256)                                          # better than uniform bytes
    assert result["lr"] == 1e-2 and result["world_size"] == 1 and result["device"] == "cpu"
    assert result["tokens_per_s"] > 0 and result["resumed_from_step"] is None and result["error"] is None


def test_same_seed_gives_the_same_run_and_another_seed_another(corpus_file: Path) -> None:
    a, _ = run(make_task(corpus_file))
    b, _ = run(make_task(corpus_file))
    c, _ = run(make_task(corpus_file, seed=1))
    assert a["loss"] == b["loss"] and a["curve"] == b["curve"]
    assert c["loss"] != a["loss"]


# ------------------------------------------------------------------ held-out eval

def test_evaluate_scores_the_same_fixed_tokens_whatever_the_batch_size(corpus_file: Path) -> None:
    task = make_task(corpus_file, training={"eval_tokens": 300})  # not a multiple of seq_len 16
    data = build_data(task["data"], seed=0)
    torch.manual_seed(0)
    model = build_model(task["model"], 16, data)
    loss_fn = build_loss(task["loss"])
    counted = sum(t.numel() for _, t in data.eval_batches(7, 300))
    assert counted == 300
    accelerator = make_accelerator(EngineSettings("no", False, None, 1), torch.device("cpu"), world_size=1)
    losses = [training.evaluate(model, data, loss_fn, config(batch_size=b, eval_tokens=300), accelerator)
              for b in (1, 4, 64)]
    assert losses[0] == pytest.approx(losses[1], rel=1e-6) and losses[0] == pytest.approx(losses[2], rel=1e-6)
    other_seed = build_data(task["data"], seed=123)  # the held-out split ignores the seed
    assert all(torch.equal(x1, x2) for (x1, _), (x2, _) in zip(data.eval_batches(8, 300), other_seed.eval_batches(8, 300)))


# ------------------------------------------------------------------ failures come back as data

def test_a_nan_loss_is_diverged_and_names_the_step(corpus_file: Path) -> None:
    result, _ = run(make_task(corpus_file, model={"target": "conftest:NaNModel", "options": {}}))
    assert result["status"] == "diverged"
    assert "at step 2 of 16" in result["error"]
    assert result["steps"] == 2 and result["loss"] is None and result["n_params"] > 0


def test_a_data_source_that_runs_dry_fails_with_a_clear_reason(corpus_file: Path) -> None:
    result, _ = run(make_task(corpus_file, data={"target": "conftest:FiniteCorpus", "options": {"path": str(corpus_file), "batches": 3}}))
    assert result["status"] == "failed"
    assert "data exhausted" in result["error"] and "after 3 of 16 steps" in result["error"]
    assert result["loss"] is None


def test_cuda_out_of_memory_is_oom(corpus_file: Path) -> None:
    result, _ = run(make_task(corpus_file, model={"target": "conftest:OOMModel", "options": {}}))
    assert result["status"] == "oom"
    assert "out of memory" in result["error"] and result["loss"] is None


def test_an_exception_in_the_model_is_failed_with_its_traceback_and_the_call_returns(corpus_file: Path) -> None:
    result, _ = run(make_task(corpus_file, model={"target": "conftest:RaisingModel", "options": {}}))
    assert result["status"] == "failed"
    assert "Traceback" in result["error"] and "ZeroDivisionError: the model divided by zero on purpose" in result["error"]
    assert result["steps"] == 1


def test_a_bad_model_option_is_failed_not_raised(corpus_file: Path) -> None:
    result, _ = run(make_task(corpus_file, model={"options": {"n_layers": 1, "n_heads": 3}}))
    assert result["status"] == "failed" and "n_heads=3 must divide d_model=16" in result["error"]


def test_a_missing_target_raises_target_error_for_the_worker_to_report(corpus_file: Path) -> None:
    task = make_task(corpus_file, model={"target": "plugins.gpt.model:NoSuchModel"})
    with pytest.raises(TargetError):
        run_train(task, Recorder(task).ctx)


def test_a_model_that_computes_its_own_loss_trains_without_a_loss_target(corpus_file: Path) -> None:
    result, _ = run(make_task(corpus_file, model={"target": "conftest:HFStyleModel", "options": {}}, loss=None))
    assert result["status"] == "completed" and result["loss"] < math.log(256) + 0.5


# ------------------------------------------------------------------ cancellation and resume

def test_cancel_stops_at_the_next_step(corpus_file: Path) -> None:
    # On CPU the loop checks after every step: the 6th check (after step 6) says cancel.
    result, _ = run(make_task(corpus_file), cancel_after=5)
    assert result["status"] == "cancelled"
    assert result["steps"] == 6 and result["n_tokens"] == 6 * 128 and result["loss"] is None


def test_a_cancelled_run_resumes_from_its_checkpoint_to_the_same_result(corpus_file: Path, tmp_path: Path) -> None:
    uninterrupted, _ = run(make_task(corpus_file))
    task = make_task(corpus_file, checkpoint_dir=str(tmp_path / "ckpt"))
    first, _ = run(task, cancel_after=6)
    assert first["status"] == "cancelled" and (tmp_path / "ckpt" / "checkpoint" / "run.json").exists()
    resumed, _ = run(make_task(corpus_file, checkpoint_dir=str(tmp_path / "ckpt"), attempt=2))
    assert resumed["status"] == "completed" and resumed["resumed_from_step"] == 7
    assert resumed["steps"] == uninterrupted["steps"] and resumed["n_tokens"] == uninterrupted["n_tokens"]
    assert resumed["loss"] == pytest.approx(uninterrupted["loss"], rel=1e-6)
    assert resumed["train_loss"] == pytest.approx(uninterrupted["train_loss"], rel=1e-6)
    assert len(resumed["curve"]) == len(uninterrupted["curve"])


def test_a_checkpoint_of_another_run_is_ignored(corpus_file: Path, tmp_path: Path) -> None:
    run(make_task(corpus_file, checkpoint_dir=str(tmp_path)), cancel_after=4)
    other, _ = run(make_task(corpus_file, checkpoint_dir=str(tmp_path), training={"lr": 1e-2}))
    assert other["status"] == "completed" and other["resumed_from_step"] is None


def test_checkpoints_are_written_every_interval(corpus_file: Path, tmp_path: Path) -> None:
    result, _ = run(make_task(corpus_file, checkpoint_dir=str(tmp_path), training={"checkpoint_interval_s": 0}))
    assert result["status"] == "completed"
    state = json.loads((tmp_path / "checkpoint" / "run.json").read_text())
    assert state["step"] == result["steps"] - 1  # the last one before the end (a finished run needs none)
    assert len(state["losses"]) == state["step"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint"]  # no .tmp/.old left behind
