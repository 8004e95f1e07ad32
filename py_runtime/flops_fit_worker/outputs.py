"""What a model returned, read the same way everywhere: its logits and its own loss.

    logits_of(model(x))   # a tensor, a tuple/list (first element), a dict ("logits"),
                          # or an object with .logits (Hugging Face ModelOutput)
    loss_of(model(x, labels=y))   # .loss, ["loss"], or a 0-dim tensor; None when absent

These are the only places that know output conventions: the built-in losses, the training
loop, the FLOPs counter and the pre-flight check all read outputs through them, so a
Hugging Face `CausalLMOutputWithPast` and a plain tensor work alike.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch


def logits_of(outputs: Any) -> torch.Tensor:
    """The logits (or predictions) tensor in `outputs`.

    Order: a tensor itself; an object's `.logits` (HF ModelOutput, before any tuple view:
    a ModelOutput is also a tuple whose first element is its loss when one was computed);
    a mapping's "logits"; the first element of a tuple/list (timm/torchvision style).
    """
    if isinstance(outputs, torch.Tensor):
        return outputs
    logits = getattr(outputs, "logits", None)
    if isinstance(logits, torch.Tensor):
        return logits
    if isinstance(outputs, Mapping):
        value = outputs.get("logits")
        if isinstance(value, torch.Tensor):
            return value
    elif isinstance(outputs, (tuple, list)) and outputs and isinstance(outputs[0], torch.Tensor):
        return outputs[0]
    raise TypeError(f"cannot find logits in the model's output ({describe(outputs)}): return a tensor, a tuple whose "
                    f"first element is the logits, a dict with 'logits', or an object with .logits")


def loss_of(outputs: Any) -> torch.Tensor | None:
    """The loss a model computed itself: `.loss`, `["loss"]`, or a 0-dim tensor; None if there is none."""
    loss = getattr(outputs, "loss", None)
    if loss is None and isinstance(outputs, Mapping):
        loss = outputs.get("loss")
    if loss is None and isinstance(outputs, torch.Tensor) and outputs.dim() == 0:
        loss = outputs
    return loss if isinstance(loss, torch.Tensor) else None


def describe(outputs: Any) -> str:
    """A short description of an output for error messages: type and tensor shapes."""
    if isinstance(outputs, torch.Tensor):
        return f"tensor {tuple(outputs.shape)}"
    if isinstance(outputs, Mapping):
        keys = ", ".join(f"{k}: {tuple(v.shape) if isinstance(v, torch.Tensor) else type(v).__name__}"
                         for k, v in list(outputs.items())[:6])
        return f"{type(outputs).__name__} {{{keys}}}"
    if isinstance(outputs, (tuple, list)):
        return f"{type(outputs).__name__} of {len(outputs)}"
    return type(outputs).__name__
