"""Loss functions a plugin names as `loss.target`, and the one place a batch becomes a loss.

    loss: { target: "flops_fit_worker.losses:next_token_cross_entropy" }

A loss target is any callable `loss(outputs, targets) -> scalar tensor`, the mean over the
batch's target elements. With no loss target the model computes its own loss (HF style):
see `forward_loss` for the calling conventions supported.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable

import torch
import torch.nn.functional as F
from torch import nn

LossFn = Callable[[Any, Any], torch.Tensor]


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy in nats of class logits (..., C) against integer labels (...).

    Computed in float32 whatever the autocast dtype of the logits (bf16 on CUDA).
    """
    return F.cross_entropy(logits.reshape(-1, logits.size(-1)).float(), targets.reshape(-1))


def next_token_cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy in nats for logits (B, T, V) and targets (B, T).

    The data plugin has already shifted the targets (targets[:, t] is the token after
    inputs[:, t], as ByteCorpus yields them), so this is cross-entropy over every position.
    """
    if logits.dim() != 3 or targets.dim() != 2:
        raise ValueError(f"next_token_cross_entropy expects logits (B, T, V) and targets (B, T), "
                         f"got {tuple(logits.shape)} and {tuple(targets.shape)}")
    return cross_entropy(logits, targets)


def _model_loss(outputs: Any) -> torch.Tensor:
    """The loss a model returned itself: `.loss`, `["loss"]`, or a 0-dim tensor."""
    loss = getattr(outputs, "loss", None)
    if loss is None and isinstance(outputs, Mapping):
        loss = outputs.get("loss")
    if loss is None and isinstance(outputs, torch.Tensor) and outputs.dim() == 0:
        loss = outputs
    if not isinstance(loss, torch.Tensor):
        raise TypeError(f"the config names no loss target, so the model must return its own loss "
                        f"(an object with .loss, a dict with 'loss', or a scalar tensor); it returned "
                        f"{type(outputs).__name__}. Name a loss target such as "
                        f"flops_fit_worker.losses:cross_entropy, or make the model return .loss")
    return loss


def forward_loss(model: nn.Module, inputs: Any, targets: Any, loss_fn: LossFn | None) -> torch.Tensor:
    """One forward pass to a scalar loss, for every calling convention flops-fit supports.

    - with a loss target: `loss_fn(model(inputs), targets)`;
    - without one, inputs a dict (an HF-style batch): `model(**inputs)` — plus
      `labels=targets` when targets is not None — and the output's `.loss`;
    - without one, otherwise: `model(inputs, targets)` and the output's `.loss`.
    """
    if loss_fn is not None:
        return loss_fn(model(inputs), targets)
    if isinstance(inputs, Mapping):
        kwargs = dict(inputs)
        if targets is not None:
            kwargs["labels"] = targets
        return _model_loss(model(**kwargs))
    return _model_loss(model(inputs, targets))
