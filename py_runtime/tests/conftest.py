"""Shared fixtures for the worker's training tests: tiny tasks, contexts, and misbehaving models.

The misbehaving models are importable as `conftest:NaNModel` etc. (pytest puts this folder
on sys.path), so they travel through the same `module:Attr` targets as real plugins.
"""
from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any, Callable

import pytest
import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[2]
for entry in (str(ROOT), str(ROOT / "py_runtime")):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from flops_fit_worker.context import RunContext  # noqa: E402

TEXT = ("def add(a, b):\n    return a + b\n\nclass Point:\n    x: int = 0\n    y: int = 0\n" * 400)


@pytest.fixture(scope="session")
def corpus_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small text file (~30 kB) so ByteCorpus tests do not read the whole stdlib."""
    path = tmp_path_factory.mktemp("corpus") / "corpus.txt"
    path.write_text(TEXT)
    return path


def make_task(corpus: Path, **overrides: Any) -> dict[str, Any]:
    """A TrainTask for a one-layer GPT (d_model 16, seq 16) on `corpus`; overrides are merged
    one level deep (`training={"lr": 1e-2}` changes only lr)."""
    task: dict[str, Any] = {
        "type": "task", "kind": "train", "task_id": "t-1", "experiment_id": "b1e5-s16", "attempt": 1, "seed": 0,
        "model": {"target": "plugins.gpt.model:GPT", "size_param": "d_model", "options": {"n_layers": 1, "n_heads": 2}},
        "size_value": 16,
        "data": {"target": "plugins.gpt.data:ByteCorpus",
                 "options": {"source": "path", "path": str(corpus), "seq_len": 16, "heldout_fraction": 0.1}},
        "loss": {"target": "flops_fit_worker.losses:next_token_cross_entropy"},
        "n_tokens": 2000, "budget_flops": 1e8,
        "training": {"batch_size": 8, "lr": 3e-3, "warmup_fraction": 0.1, "min_lr_fraction": 0.1,
                     "weight_decay": 0.1, "beta1": 0.9, "beta2": 0.95, "grad_clip": 1.0,
                     "eval_tokens": 512, "threads": 1, "checkpoint_interval_s": 600.0},
        "mock": None, "device": "cpu", "sys_path": [], "progress_interval_s": 1.0, "checkpoint_dir": None,
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(task.get(key), dict):
            task[key] = {**task[key], **value}
        else:
            task[key] = value
    return copy.deepcopy(task)


class Recorder:
    """A RunContext whose messages are kept, with cancellation after `cancel_after` checks."""

    def __init__(self, task: dict[str, Any], cancel_after: int | None = None) -> None:
        self.messages: list[dict[str, Any]] = []
        self.checks = 0
        self.cancel_after = cancel_after
        self.ctx = RunContext(task=task, send=self.messages.append, is_cancelled=self._cancelled, interval_s=3600.0)

    def _cancelled(self) -> bool:
        self.checks += 1
        return self.cancel_after is not None and self.checks > self.cancel_after


@pytest.fixture
def recorder() -> Callable[..., Recorder]:
    return Recorder


# ------------------------------------------------------------------ misbehaving models

class NaNModel(nn.Module):
    """A byte model whose logits turn to NaN from the third forward pass."""

    def __init__(self, d_model: int, vocab_size: int = 256, seq_len: int = 16) -> None:
        super().__init__()
        self.emb = nn.Embedding(vocab_size, d_model)
        self.head = nn.Linear(d_model, vocab_size)
        self.calls = 0

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        logits = self.head(self.emb(idx))
        return logits * float("nan") if self.calls > 3 else logits  # call 1 is the FLOP count


class OOMModel(NaNModel):
    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        if self.calls > 2:
            raise RuntimeError("CUDA out of memory. Tried to allocate 20.00 GiB")
        return self.head(self.emb(idx))


class RaisingModel(NaNModel):
    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        if self.calls > 2:
            raise ZeroDivisionError("the model divided by zero on purpose")
        return self.head(self.emb(idx))


class HFStyleOutput:
    def __init__(self, loss: torch.Tensor, logits: torch.Tensor) -> None:
        self.loss, self.logits = loss, logits


class HFStyleModel(NaNModel):
    """Computes its own loss, as Hugging Face models do: model(inputs, targets).loss."""

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None) -> HFStyleOutput:  # type: ignore[override]
        logits = self.head(self.emb(idx))
        loss = nn.functional.cross_entropy(logits.flatten(0, 1), targets.flatten()) if targets is not None else None
        return HFStyleOutput(loss, logits)  # type: ignore[arg-type]


class FiniteCorpus:
    """A data source that runs dry after `batches` training batches (wraps the byte corpus)."""

    def __init__(self, path: str, batches: int = 3, seed: int = 0) -> None:
        from plugins.gpt.data import ByteCorpus

        self.inner = ByteCorpus(source="path", path=path, seq_len=16, heldout_fraction=0.1, seed=seed)
        self.tokens_per_sample = self.inner.tokens_per_sample
        self.batches = batches

    def model_hints(self) -> dict[str, Any]:
        return self.inner.model_hints()

    def train_batches(self, batch_size: int, seed: int) -> Any:
        source = self.inner.train_batches(batch_size, seed)
        for _ in range(self.batches):
            yield next(source)

    def eval_batches(self, batch_size: int, n_tokens: int) -> Any:
        return self.inner.eval_batches(batch_size, n_tokens)


class MemoryBoundGPT(nn.Module):
    """The plugin GPT on a pretend device that holds at most `max_rows` training samples per
    forward pass: more raise the error CUDA gives when it runs out of memory."""

    def __init__(self, d_model: int, max_rows: int = 2, **options: Any) -> None:
        super().__init__()
        from plugins.gpt.model import GPT

        self.inner = GPT(d_model, **options)
        self.max_rows = max_rows

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        if self.training and idx.shape[0] > self.max_rows:
            raise torch.cuda.OutOfMemoryError(f"CUDA out of memory: a batch of {idx.shape[0]} samples does not fit "
                                              f"(at most {self.max_rows})")
        return self.inner(idx)  # type: ignore[no-any-return]
