"""What a running task can do besides computing: report progress, check for cancellation."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from .messages import TrainTask


@dataclass
class RunContext:
    """Handed to `train()`; `progress()` is rate-limited to `interval_s` (the last call always goes)."""

    task: TrainTask
    send: Callable[[dict[str, Any]], None]
    is_cancelled: Callable[[], bool]
    interval_s: float = 1.0
    _last_sent: float = field(default=0.0, repr=False)

    def progress(self, step: int, total_steps: int, tokens: float, train_loss: float | None,
                 tokens_per_s: float | None, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_sent < self.interval_s:
            return
        self._last_sent = now
        self.send({
            "type": "progress",
            "task_id": self.task["task_id"],
            "experiment_id": self.task["experiment_id"],
            "attempt": self.task["attempt"],
            "step": int(step),
            "total_steps": int(total_steps),
            "tokens": float(tokens),
            "total_tokens": float(self.task["n_tokens"]),
            "train_loss": None if train_loss is None else float(train_loss),
            "tokens_per_s": None if tokens_per_s is None else float(tokens_per_s),
        })
