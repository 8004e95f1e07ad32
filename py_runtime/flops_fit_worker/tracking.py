"""Logging a run to Weights & Biases and TensorBoard (docs/tracking.md).

    tracker = RunTracker.open(task, resumed_from_step)   # rank 0 only; never raises
    tracker.describe(n_params=..., ...)                   # identity known once the model is built
    tracker.log_point(step, train_loss, lr, tokens, tokens_per_s)
    result["tracking_warnings"] = tracker.finish(result)  # final held-out loss and summary

The run directory stays the source of truth; trackers are views of it. A tracker library
that is missing, a W&B server that cannot be reached, a disk that refuses an event file:
none of these fails a run. The tracker is dropped, the reason comes back in the result's
`tracking_warnings` (the orchestrator shows each distinct one once per sweep), and training
goes on. A library found missing, or a W&B that would not start, is not tried again by this
worker process: every later run says so without waiting for it again.

Retries and resumed runs continue the same tracker run: W&B gets a run id derived from the
experiment id (chosen by the orchestrator) with resume="allow"; TensorBoard writes to the
same folder RUN_DIR/tensorboard/<experiment_id>/. A run resumed from a checkpoint at step k
logs steps after k only; TensorBoard is told to purge what an earlier attempt logged past k
(`purge_step`), and W&B drops steps it already has, so neither shows a step twice.
"""
from __future__ import annotations

import math
import os
from typing import Any, Callable, Protocol

from .messages import TrackingSettings, TrainResult, TrainTask

# Why a tracker cannot be used in this worker process (library missing, W&B would not start):
# later runs skip it with the same reason instead of waiting for it again.
_UNUSABLE: dict[str, str] = {}

# What each run logs as its identity (W&B config, TensorBoard hparams); the counts come later.
_TASK_IDENTITY = ("experiment_id", "attempt", "seed", "budget_flops", "size_value")


class _Sink(Protocol):
    name: str

    def describe(self, identity: dict[str, Any]) -> None: ...
    def scalars(self, step: int, values: dict[str, float]) -> None: ...
    def summary(self, values: dict[str, Any], failed: bool) -> None: ...


def identity_of(task: TrainTask, settings: TrackingSettings) -> dict[str, Any]:
    """The run's identity as the trackers show it: what a runs table is filtered by."""
    identity: dict[str, Any] = {key: task[key] for key in _TASK_IDENTITY}  # type: ignore[literal-required]
    identity.update(sweep=settings["sweep"], fingerprint=settings["fingerprint"], stage=settings["stage"],
                    n_tokens_planned=task["n_tokens"],
                    lr=task["training"]["lr"], batch_size=task["training"]["batch_size"],
                    mock=task["mock"] is not None)
    return identity


class RunTracker:
    """The trackers one run logs to; every call is safe: a failing tracker is dropped with a warning."""

    def __init__(self, sinks: list[_Sink], warnings: list[str], first_step: int) -> None:
        self._sinks = sinks
        self.warnings = warnings
        self._first_step = first_step  # steps up to here were logged by an earlier attempt

    @classmethod
    def none(cls) -> RunTracker:
        return cls([], [], 0)

    @classmethod
    def open(cls, task: TrainTask, resumed_from_step: int | None = None) -> RunTracker:
        """The trackers `task["tracking"]` asks for (none when absent); never raises."""
        settings = task.get("tracking")
        if not settings:
            return cls.none()
        sinks: list[_Sink] = []
        warnings: list[str] = []
        identity = identity_of(task, settings)
        openers: list[tuple[str, Callable[[], _Sink]]] = []
        if settings["tensorboard_dir"]:
            directory = settings["tensorboard_dir"]
            openers.append(("TensorBoard", lambda: _TensorBoard(directory, resumed_from_step)))
        if settings["wandb"] is not None and settings["wandb"]["mode"] != "disabled":
            wandb_settings = settings["wandb"]
            openers.append(("W&B", lambda: _Wandb(wandb_settings, identity, task["experiment_id"])))
        for name, opener in openers:
            if name in _UNUSABLE:
                warnings.append(_UNUSABLE[name])
                continue
            try:
                sink = opener()
            except _Unusable as exc:
                _UNUSABLE[name] = str(exc)
                warnings.append(str(exc))
                continue
            except Exception as exc:  # noqa: BLE001 — a tracker never fails a run
                warnings.append(f"{name}: not logging run {task['experiment_id']}: {_line(exc)}")
                continue
            sinks.append(sink)
        tracker = cls(sinks, warnings, resumed_from_step or 0)
        tracker.describe(identity)
        return tracker

    def _each(self, action: Callable[[_Sink], None]) -> None:
        for sink in list(self._sinks):
            try:
                action(sink)
            except Exception as exc:  # noqa: BLE001 — drop the tracker, keep training
                self._sinks.remove(sink)
                self.warnings.append(f"{sink.name}: stopped logging: {_line(exc)}")

    def describe(self, identity: dict[str, Any]) -> None:
        """Add to the run's identity (its parameter counts, once the model is built)."""
        self._each(lambda sink: sink.describe(identity))

    def log_point(self, step: int, train_loss: float | None, lr: float | None, tokens: float,
                  tokens_per_s: float | None) -> None:
        """One point of the training curve (the worker's curve cadence); earlier attempts' steps are skipped."""
        if step <= self._first_step:
            return
        values = {"train/tokens": float(tokens)}
        if lr is not None:
            values["train/lr"] = float(lr)
        if train_loss is not None and math.isfinite(train_loss):
            values["train/loss"] = float(train_loss)
        if tokens_per_s is not None and math.isfinite(tokens_per_s):
            values["train/tokens_per_s"] = float(tokens_per_s)
        self._each(lambda sink: sink.scalars(step, values))

    def finish(self, result: TrainResult) -> list[str]:
        """Log the final held-out loss (`eval/loss` at the last step) and the run's summary, close; the warnings."""
        loss = result["loss"]
        if loss is not None and result["steps"] > 0:
            self._each(lambda sink: sink.scalars(int(result["steps"]), {"eval/loss": float(loss)}))
        summary = {key: result[key] for key in _SUMMARY}  # type: ignore[literal-required]
        self._each(lambda sink: sink.summary(summary, failed=result["status"] != "completed"))
        self._sinks = []
        return list(dict.fromkeys(self.warnings))


# What a finished run leaves in its summary (the W&B runs table, TensorBoard's text): the
# record's names, so a runs-table export reads like results.jsonl (fit/wandb-export.ts).
# The parameter counts and the attempt are config (the run's identity), not summary: a key in
# both would be two columns of one name in an export.
_SUMMARY = ("status", "loss", "train_loss", "n_tokens", "steps", "flops_6nd", "flops_measured", "tokens_per_s",
            "wall_s", "epochs")


class _Unusable(Exception):
    """This tracker cannot be used by this worker process at all (reported once per run, not retried)."""


def _line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


class _TensorBoard:
    """Event files in the run's folder; a resumed run purges what an earlier attempt logged after its checkpoint."""

    name = "TensorBoard"

    def __init__(self, directory: str, resumed_from_step: int | None) -> None:
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError as exc:
            raise _Unusable("TensorBoard: not logging: the tensorboard package is not installed in the worker's "
                            "Python (pip install 'flops-fit-worker[tracking]' or tensorboard)") from exc
        # Every attempt starts a new event file; steps from `purge_step` on, written by earlier
        # attempts (a crash after the checkpoint, a re-run), are hidden from TensorBoard.
        self._writer = SummaryWriter(log_dir=directory, purge_step=(resumed_from_step or 0) + 1)
        self._identity: dict[str, Any] = {}

    def describe(self, identity: dict[str, Any]) -> None:
        self._identity.update(identity)

    def scalars(self, step: int, values: dict[str, float]) -> None:
        for tag, value in values.items():
            self._writer.add_scalar(tag, value, global_step=step)

    def summary(self, values: dict[str, Any], failed: bool) -> None:
        from torch.utils.tensorboard.summary import hparams

        shown = {**self._identity, **values}
        table = "\n".join(f"| {key} | {value} |" for key, value in shown.items())
        self._writer.add_text("run", f"| field | value |\n|---|---|\n{table}", global_step=int(values["steps"] or 0))
        # The HParams dashboard: one row per run, filterable by budget, size, N, D.
        simple = {key: value for key, value in shown.items() if isinstance(value, (int, float, str, bool))}
        for part in hparams(simple, {"eval/loss": values["loss"] if values["loss"] is not None else math.nan}):
            self._writer._get_file_writer().add_summary(part)
        self._writer.close()


class _Wandb:
    """One W&B run per experiment, resumed by every later attempt (the id comes with the task)."""

    name = "W&B"

    def __init__(self, settings: Any, identity: dict[str, Any], experiment_id: str) -> None:
        try:
            import wandb
        except ImportError as exc:
            raise _Unusable("W&B: not logging: the wandb package is not installed in the worker's Python "
                            "(pip install 'flops-fit-worker[tracking]' or wandb)") from exc
        self._wandb = wandb
        directory = os.environ.get("WANDB_DIR") or settings["dir"]
        mode = os.environ.get("WANDB_MODE") or settings["mode"]  # the environment wins, as for W&B's own folder
        os.makedirs(directory, exist_ok=True)
        try:
            self._run = wandb.init(
                project=settings["project"], entity=settings["entity"], group=settings["group"],
                tags=list(settings["tags"]), mode=mode, id=settings["run_id"], resume="allow",
                name=experiment_id, job_type=identity["stage"], dir=directory, reinit="create_new",
                settings=wandb.Settings(init_timeout=float(settings["init_timeout_s"]), console="off",
                                        save_code=False, disable_git=True, x_disable_stats=True, silent=True),
            )
        except Exception as exc:  # noqa: BLE001 — no login, unreachable server, bad project: train without W&B
            raise _Unusable(f"W&B: not logging ({mode} mode): {_line(exc)}") from exc
        # Steps below the resumed run's current step are already there (online); skipping
        # them avoids W&B's "steps must increase" warnings.
        self._next_step = int(getattr(self._run, "step", 0) or 0)

    def describe(self, identity: dict[str, Any]) -> None:
        self._run.config.update(identity, allow_val_change=True)

    def scalars(self, step: int, values: dict[str, float]) -> None:
        if step < self._next_step:
            return
        self._run.log(values, step=step)
        self._next_step = step + 1

    def summary(self, values: dict[str, Any], failed: bool) -> None:
        self._run.summary.update(values)
        self._run.finish(exit_code=1 if failed else 0)
