"""Loss functions a plugin names as `loss.target`.

    loss: { target: "flops_fit_worker.losses:next_token_cross_entropy" }

A loss target is any callable `loss(outputs, targets) -> scalar tensor`, the mean over the
batch's target elements. The built-in ones take any model output: a logits tensor, a tuple
whose first element is the logits, a dict with "logits", or an object with `.logits` (a
Hugging Face ModelOutput) — see outputs.py. How a batch reaches the model, and the model's
own loss when there is no loss target, are in calling.py.
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from .calling import LossFn as LossFn, forward_loss as forward_loss
from .outputs import logits_of


def cross_entropy(outputs: Any, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy in nats of class logits (..., C) against integer labels (...).

    Computed in float32 whatever the autocast dtype of the logits (bf16 on CUDA).
    """
    logits = logits_of(outputs)
    return F.cross_entropy(logits.reshape(-1, logits.size(-1)).float(), targets.reshape(-1))


def next_token_cross_entropy(outputs: Any, targets: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy in nats for logits (B, T, V) and targets (B, T).

    The data plugin has already shifted the targets (targets[:, t] is the token after
    inputs[:, t], as ByteCorpus yields them), so this is cross-entropy over every position;
    it never shifts again. This is how flops-fit trains Hugging Face causal LMs: their
    `.logits` against the data's shifted targets (the model gets no `labels`).
    """
    logits = logits_of(outputs)
    if logits.dim() != 3 or targets.dim() != 2:
        raise ValueError(f"next_token_cross_entropy expects logits (B, T, V) and targets (B, T), "
                         f"got {tuple(logits.shape)} and {tuple(targets.shape)}")
    return cross_entropy(logits, targets)
