"""Helpers for batches of any shape a data plugin yields: a tensor, a dict of tensors, or None.

A batch is `(inputs, targets)`. The training loop moves it to the device, slices it across
ranks, and weighs each held-out batch by how many target elements its mean loss averages.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import torch


def to_device(value: Any, device: torch.device) -> Any:
    """Move a tensor, or every tensor in a dict/tuple/list, to `device` (others unchanged).

    A host tensor bound for a GPU goes through pinned memory: only a copy from pinned memory
    is truly asynchronous, so the host never waits for the GPU to take a batch."""
    if isinstance(value, torch.Tensor):
        if torch.device(device).type == "cuda" and value.device.type == "cpu" and not value.is_pinned():
            value = value.pin_memory()
        return value.to(device, non_blocking=True)
    if isinstance(value, Mapping):
        return {k: to_device(v, device) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(to_device(v, device) for v in value)
    return value


def rows(value: Any) -> int:
    """Samples in a batch part: the leading dimension of its first tensor."""
    if isinstance(value, torch.Tensor):
        return int(value.shape[0])
    if isinstance(value, Mapping):
        for v in value.values():
            if isinstance(v, torch.Tensor):
                return int(v.shape[0])
    raise TypeError(f"cannot tell the batch size of a {type(value).__name__}: yield tensors or dicts of tensors")


def slice_rows(value: Any, start: int, stop: int) -> Any:
    """Rows [start, stop) of a tensor, or of every tensor in a dict (None stays None)."""
    if isinstance(value, torch.Tensor):
        return value[start:stop]
    if isinstance(value, Mapping):
        return {k: slice_rows(v, start, stop) for k, v in value.items()}
    return value


def shard_batches(batches: Iterator[tuple[Any, Any]], rank: int, world_size: int) -> Iterator[tuple[Any, Any]]:
    """This rank's equal slice of every global batch, so the ranks together see exactly the
    batches one process would (the global batch equals the single-process batch)."""
    for inputs, targets in batches:
        n = rows(inputs)
        if n % world_size:
            raise ValueError(f"batch_size {n} is not divisible by world_size {world_size}: "
                             f"every rank needs an equal share of the global batch")
        per = n // world_size
        yield slice_rows(inputs, rank * per, (rank + 1) * per), slice_rows(targets, rank * per, (rank + 1) * per)


def target_count(inputs: Any, targets: Any) -> int:
    """How many elements a batch's mean loss averages over (tokens for a language model,
    samples for a classifier): used to weigh held-out batches of unequal size."""
    if isinstance(targets, torch.Tensor):
        return int(targets.numel())
    if isinstance(inputs, Mapping) and isinstance(inputs.get("labels"), torch.Tensor):
        return int(inputs["labels"].numel())
    return rows(inputs)


def train_tokens(data: Any) -> int | None:
    """Tokens in one pass over the data's training split (`data.train_tokens`), or None when it does not say."""
    value = getattr(data, "train_tokens", None)
    if callable(value):
        value = value()
    return int(value) if isinstance(value, (int, float)) and value > 0 else None


def epochs_seen(n_tokens: float, tokens_per_epoch: int | None) -> float | None:
    """How many times a run of n_tokens saw its training data (Muennighoff et al. 2023: repeats change the law)."""
    return None if tokens_per_epoch is None else float(n_tokens) / tokens_per_epoch
