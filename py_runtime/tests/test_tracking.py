"""Trackers (tracking.py): TensorBoard event files read back with TensorBoard's own reader;
a resumed run leaves no step twice; a missing tracker library never fails a run."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import Recorder, make_task

from flops_fit_worker import tracking
from flops_fit_worker.protocol import check_outgoing
from flops_fit_worker.tasks import run_train
from flops_fit_worker.tracking import RunTracker

event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")


def tracking_settings(tmp_path: Path, tensorboard: bool = True, wandb: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"sweep": "tiny", "fingerprint": "abc123", "stage": "sweep",
            "tensorboard_dir": str(tmp_path / "tensorboard" / "b1e5-s16") if tensorboard else None, "wandb": wandb}


WANDB_OFFLINE = {"project": "p", "entity": None, "mode": "offline", "group": "tiny", "tags": [], "dir": "",
                 "run_id": "b1e5-s16-000000", "init_timeout_s": 30}


def scalars(directory: Path) -> dict[str, list[tuple[int, float]]]:
    """Every scalar of a TensorBoard folder as TensorBoard shows it (purged steps hidden)."""
    reader = event_accumulator.EventAccumulator(str(directory), size_guidance={event_accumulator.SCALARS: 0})
    reader.Reload()
    return {tag: [(e.step, e.value) for e in reader.Scalars(tag)] for tag in reader.Tags()["scalars"]}


@pytest.fixture(autouse=True)
def fresh_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test is a fresh worker process as far as remembered tracker failures go."""
    monkeypatch.setattr(tracking, "_UNUSABLE", {})


def test_a_real_run_logs_its_curve_and_final_held_out_loss_to_tensorboard(corpus_file: Path, tmp_path: Path) -> None:
    task = make_task(corpus_file, tracking=tracking_settings(tmp_path))
    result = run_train(task, Recorder(task).ctx)
    check_outgoing(result)
    assert result["status"] == "completed" and "tracking_warnings" not in result
    logged = scalars(tmp_path / "tensorboard" / "b1e5-s16")
    curve_steps = [point["step"] for point in result["curve"]]
    assert [step for step, _ in logged["train/loss"]] == curve_steps and len(curve_steps) >= 10
    assert [value for _, value in logged["train/loss"]] == pytest.approx([p["train_loss"] for p in result["curve"]], rel=1e-6)
    assert {"train/lr", "train/tokens", "train/tokens_per_s"} <= set(logged)
    (final_step, final_loss), = logged["eval/loss"]
    assert final_step == result["steps"] and final_loss == pytest.approx(result["loss"], rel=1e-6)


def test_a_resumed_run_hides_what_the_crashed_attempt_logged_past_its_checkpoint(tmp_path: Path, corpus_file: Path) -> None:
    task = make_task(corpus_file, tracking=tracking_settings(tmp_path))
    first = RunTracker.open(task)
    for step in range(1, 13):  # logged up to step 12, checkpointed at 7, then the worker died
        first.log_point(step, 10.0 + step, 1e-3, step * 128.0, None)
    first._sinks[0]._writer.flush()  # type: ignore[attr-defined]  # what a dying process had written
    retry = RunTracker.open({**task, "attempt": 2}, resumed_from_step=7)
    for step in range(1, 17):  # the retry's curve holds the checkpoint's points too: they are skipped
        retry.log_point(step, 20.0 + step, 1e-3, step * 128.0, None)
    result: Any = {"loss": 2.5, "steps": 16, "status": "completed", "train_loss": 2.6, "n_tokens": 2048.0,
                   "flops_6nd": 1.0, "flops_measured": None, "tokens_per_s": 1.0, "wall_s": 1.0, "epochs": None}
    assert retry.finish(result) == []
    logged = scalars(tmp_path / "tensorboard" / "b1e5-s16")["train/loss"]
    assert [step for step, _ in logged] == list(range(1, 17))  # each step once, in order
    assert [value for _, value in logged] == [10.0 + s for s in range(1, 8)] + [20.0 + s for s in range(8, 17)]


def test_a_missing_tracker_library_is_reported_and_the_run_completes(corpus_file: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # As on a machine without the extras: importing either library fails.
    monkeypatch.setitem(sys.modules, "wandb", None)
    monkeypatch.setitem(sys.modules, "torch.utils.tensorboard", None)
    task = make_task(corpus_file, tracking=tracking_settings(tmp_path, wandb={**WANDB_OFFLINE, "dir": str(tmp_path)}))
    result = run_train(task, Recorder(task).ctx)
    check_outgoing(result)
    assert result["status"] == "completed" and result["loss"] is not None
    warnings = result["tracking_warnings"]
    assert len(warnings) == 2
    assert "tensorboard package is not installed" in warnings[0] and "wandb package is not installed" in warnings[1]
    assert not (tmp_path / "tensorboard").exists()
    # The worker remembers: the next run says the same without trying the imports again.
    monkeypatch.delitem(sys.modules, "wandb")
    again = RunTracker.open(make_task(corpus_file, tracking=tracking_settings(tmp_path, wandb={**WANDB_OFFLINE, "dir": str(tmp_path)})))
    assert again.warnings == warnings and again._sinks == []


def test_a_tracker_that_fails_while_logging_is_dropped_and_the_run_goes_on(corpus_file: Path, tmp_path: Path) -> None:
    task = make_task(corpus_file, tracking=tracking_settings(tmp_path))
    tracker = RunTracker.open(task)

    class Broken:
        name = "W&B"

        def describe(self, identity: dict[str, Any]) -> None: ...
        def scalars(self, step: int, values: dict[str, float]) -> None:
            raise ConnectionError("server went away\nsecond line")
        def summary(self, values: dict[str, Any], failed: bool) -> None: ...

    tracker._sinks.append(Broken())
    tracker.log_point(1, 3.0, 1e-3, 128.0, None)
    tracker.log_point(2, 2.9, 1e-3, 256.0, None)
    assert tracker.warnings == ["W&B: stopped logging: ConnectionError: server went away"]
    tracker._sinks[0]._writer.flush()  # type: ignore[attr-defined]
    assert [s for s, _ in scalars(tmp_path / "tensorboard" / "b1e5-s16")["train/loss"]] == [1, 2]


def test_the_logged_identity_and_summary_hold_what_a_runs_export_is_fitted_from(corpus_file: Path, tmp_path: Path) -> None:
    # fit/wandb-export.ts reads these columns from a W&B runs-table export.
    identity = tracking.identity_of(make_task(corpus_file), tracking_settings(tmp_path))  # type: ignore[arg-type]
    assert {"experiment_id", "attempt", "budget_flops", "size_value", "stage", "sweep"} <= set(identity)
    assert {"status", "loss", "n_tokens", "epochs"} <= set(tracking._SUMMARY)
    assert not set(identity) & set(tracking._SUMMARY)  # one column per name in an export


def test_wandb_offline_leaves_one_run_per_experiment_resumed_by_a_retry(corpus_file: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("wandb", reason="the wandb extra is not installed in this environment")
    monkeypatch.delenv("WANDB_DIR", raising=False)
    monkeypatch.setenv("WANDB_MODE", "offline")
    settings = {**WANDB_OFFLINE, "dir": str(tmp_path)}
    for attempt in (1, 2):
        task = make_task(corpus_file, attempt=attempt, tracking=tracking_settings(tmp_path, tensorboard=False, wandb=settings))
        result = run_train(task, Recorder(task).ctx)
        assert result["status"] == "completed" and "tracking_warnings" not in result
    runs = sorted((tmp_path / "wandb").glob("offline-run-*"))
    assert len(runs) == 2 and all(run.name.endswith("-b1e5-s16-000000") for run in runs)  # one W&B run, two sessions
