"""How flops-fit calls a model on a batch, and turns the output into a loss: one place.

A batch is `(inputs, targets)` as the data plugin yields it. The model is called as

    tensor inputs          model(inputs)
    dict inputs (HF style) model(**inputs)
    tuple/list inputs      model(*inputs)

With a loss target, the loss is `loss_fn(outputs, targets)`; the built-in losses read the
logits from any output (outputs.py), so an HF model's ModelOutput works unchanged. The
targets are never passed positionally: GPT-2's second positional argument is
`past_key_values`, Llama's `attention_mask`.

Without a loss target the model computes its own loss, and the targets are passed *by
keyword*, under the first of LABEL_KEYWORDS that its forward() accepts (`labels` for every
HF model); a model that accepts none of them is refused with an error that says what to do.

The next-token rule (docs/plugins.md): data plugins yield targets already shifted
(targets[:, t] is the token after inputs[:, t]), and a causal LM — a Hugging Face one
included — is trained with `flops_fit_worker.losses:next_token_cross_entropy` on its logits.
A model that shifts `labels` itself (every HF `...ForCausalLM`) given shifted targets would
learn to predict two tokens ahead: preflight.py detects that on one batch and refuses.
"""
from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any, Callable

import torch
from torch import nn

from .outputs import describe, loss_of

LossFn = Callable[[Any, Any], torch.Tensor]

#: Keyword names under which a model that computes its own loss receives the targets, in order.
LABEL_KEYWORDS = ("labels", "targets", "target", "y", "label")


def _forward_of(model: nn.Module) -> Callable[..., Any]:
    inner = getattr(model, "module", model)  # DistributedDataParallel wraps the model
    return getattr(inner, "forward", inner)


def labels_keyword(model: nn.Module) -> str | None:
    """The keyword the model's forward() takes targets under, or None; "labels" when it only takes **kwargs."""
    try:
        params = inspect.signature(_forward_of(model)).parameters
    except (TypeError, ValueError):
        return "labels"
    for name in LABEL_KEYWORDS:
        param = params.get(name)
        if param is not None and param.kind is not inspect.Parameter.POSITIONAL_ONLY:
            return name
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return "labels"
    return None


def call_model(model: nn.Module, inputs: Any, **extra: Any) -> Any:
    """The model's output for `inputs` (tensor, dict of tensors, or tuple of tensors), plus keyword extras."""
    if isinstance(inputs, Mapping):
        clash = sorted(set(inputs) & set(extra))
        if clash:
            raise ValueError(f"the batch's inputs already hold {clash}, which flops-fit would also pass from the "
                             f"targets: yield targets=None when the inputs carry their own labels")
        return model(**inputs, **extra)
    if isinstance(inputs, (tuple, list)):
        return model(*inputs, **extra)
    return model(inputs, **extra)


def model_own_loss(model: nn.Module, inputs: Any, targets: Any) -> torch.Tensor:
    """The loss the model computes itself, the targets passed by keyword (see LABEL_KEYWORDS)."""
    extra: dict[str, Any] = {}
    if targets is not None:
        keyword = labels_keyword(model)
        if keyword is None:
            name = type(getattr(model, "module", model)).__name__
            try:
                signature = str(inspect.signature(_forward_of(model)))
            except (TypeError, ValueError):
                signature = "(...)"
            raise TypeError(
                f"the config names no loss target, so {name} must compute its own loss from the targets, but "
                f"{name}.forward{signature} takes none of {', '.join(LABEL_KEYWORDS)}; flops-fit never passes "
                f"targets positionally. Name a loss target that reads the model's output instead, e.g. "
                f"loss: {{ target: flops_fit_worker.losses:cross_entropy }} (classes) or "
                f"flops_fit_worker.losses:next_token_cross_entropy (language models, including Hugging Face ones)")
        extra[keyword] = targets
    outputs = call_model(model, inputs, **extra)
    loss = loss_of(outputs)
    if loss is None:
        raise TypeError(f"the config names no loss target, so the model must return its own loss (an object with "
                        f".loss, a dict with 'loss', or a scalar tensor); it returned {describe(outputs)}. Name a "
                        f"loss target such as flops_fit_worker.losses:cross_entropy, which reads the logits")
    return loss


def forward_loss(model: nn.Module, inputs: Any, targets: Any, loss_fn: LossFn | None) -> torch.Tensor:
    """One forward pass to a scalar loss: `loss_fn(model(inputs), targets)`, or the model's own loss."""
    if loss_fn is not None:
        return loss_fn(call_model(model, inputs), targets)
    return model_own_loss(model, inputs, targets)
