"""The pre-flight check of the targets' alignment, on one batch, before a sweep trains.

    check_target_alignment(model, data, loss_fn)  # raises TargetMisalignment

The probe (tasks.py) runs one real forward/backward step at every planned model size and
this check once, before `plan`, `sweep` or `sweep --mock` trains anything: a model that
cannot take one step, or a data/loss pairing that would silently learn the wrong thing,
stops the sweep with an error instead of producing a plausible, wrong scaling law.

Alignment. For token data (integer inputs and targets of the same shape (B, T)), two
offsets add up to what the model is trained to predict:
- the data's: targets equal the inputs (0) or the inputs shifted one token left (1);
- the loss's: the loss actually computed equals cross-entropy of logits[:, t] against
  targets[:, t] (0) or against targets[:, t+1] (1: the loss shifts again, as every
  Hugging Face `...ForCausalLM` does with `labels`). It is measured, not assumed: the loss
  is recomputed both ways from the same output's logits and compared.
Next-token prediction is offset 1. Offset 2 is the double shift (the model learns the token
two ahead); offset 0 lets the model read its own answer. Both are refused. When either
offset cannot be told (images, masked labels that match neither, no logits) nothing is
claimed and the check passes.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from .calling import LABEL_KEYWORDS, LossFn, call_model, labels_keyword
from .data_utils import to_device
from .outputs import logits_of, loss_of

#: Label value HF and torch's cross_entropy ignore.
IGNORE_INDEX = -100
#: Batch the alignment check uses: enough positions that the two alignments' losses differ clearly.
CHECK_BATCH = 8


class TargetMisalignment(ValueError):
    """The data's targets and the loss do not line up for next-token prediction."""


def token_ids(inputs: Any) -> torch.Tensor | None:
    """The input token ids of a batch: an integer (B, T) tensor, or a dict's input_ids."""
    ids = inputs.get("input_ids") if isinstance(inputs, Mapping) else inputs
    if isinstance(ids, torch.Tensor) and ids.dim() == 2 and not ids.is_floating_point() and ids.shape[1] >= 2:
        return ids
    return None


def data_offset(ids: torch.Tensor, targets: torch.Tensor) -> int | None:
    """0 when targets equal the inputs, 1 when they are the inputs shifted left by one, else None."""
    if targets.shape != ids.shape or targets.is_floating_point():
        return None
    valid = targets != IGNORE_INDEX
    if not bool(valid.any()):
        return None
    same = torch.equal(targets[valid], ids[valid])
    v1 = valid[:, :-1]
    shifted = bool(v1.any()) and torch.equal(targets[:, :-1][v1], ids[:, 1:][v1])
    if same == shifted:
        return None  # neither, or both (a constant sequence): cannot tell
    return 0 if same else 1


def loss_offset(logits: torch.Tensor, targets: torch.Tensor, loss: float) -> int | None:
    """0 when `loss` is cross-entropy of logits[:, t] vs targets[:, t]; 1 when vs targets[:, t+1]; else None."""
    if logits.dim() != 3 or logits.shape[:2] != targets.shape:
        return None
    logits = logits.detach().float()
    aligned = F.cross_entropy(logits.flatten(0, 1), targets.flatten(), ignore_index=IGNORE_INDEX).item()
    shifted = F.cross_entropy(logits[:, :-1].flatten(0, 1), targets[:, 1:].flatten(), ignore_index=IGNORE_INDEX).item()
    gaps = (abs(loss - aligned), abs(loss - shifted))
    best = min(gaps)
    tolerance = 1e-4 * max(1.0, abs(loss))
    if best > tolerance or max(gaps) < 10 * best + 1e-7:
        return None  # the loss is neither (label smoothing, a weighted loss) or both are too close to tell
    return gaps.index(best)


def check_target_alignment(model: nn.Module, data: Any, loss_fn: LossFn | None) -> dict[str, Any]:
    """Raise TargetMisalignment when the loss would not train next-token prediction; else say what was found."""
    device = next((p.device for p in model.parameters()), torch.device("cpu"))
    inputs, targets = next(iter(data.train_batches(CHECK_BATCH, 0)))
    inputs, targets = to_device(inputs, device), to_device(targets, device)
    ids = token_ids(inputs)
    labels = targets if targets is not None else (inputs.get("labels") if isinstance(inputs, Mapping) else None)
    if ids is None or not isinstance(labels, torch.Tensor):
        return {"checked": False, "reason": "not token data"}
    data_shift = data_offset(ids, labels)
    if data_shift is None:
        return {"checked": False, "reason": "targets are neither the inputs nor the inputs shifted by one"}
    was_training = model.training
    model.eval()  # no dropout: the loss and the logits come from the same call anyway
    try:
        with torch.no_grad():
            if loss_fn is not None:
                outputs = call_model(model, inputs)
                loss = loss_fn(outputs, targets)
                how = "the loss target"
            else:
                keyword = labels_keyword(model) if targets is not None else None
                outputs = call_model(model, inputs, **({keyword: targets} if keyword else {}))
                own = loss_of(outputs)
                if own is None:
                    return {"checked": False, "reason": "the model returned no loss"}
                loss = own
                how = f"the model's own loss (targets passed as {keyword or 'labels in the inputs'})"
            try:
                logits = logits_of(outputs)
            except TypeError:
                return {"checked": False, "reason": "no logits in the output"}
            loss_shift = loss_offset(logits, labels, float(loss.item()))
    finally:
        model.train(was_training)
    if loss_shift is None:
        return {"checked": False, "reason": "the loss matches neither alignment"}
    offset = data_shift + loss_shift
    if offset == 2:
        raise TargetMisalignment(
            f"double shift: the data's targets are already the next tokens (targets[:, t] = input_ids[:, t+1]), and "
            f"{how} shifts them once more (it equals cross-entropy of logits[:, t] against targets[:, t+1]), so the "
            f"model would learn to predict the token two ahead and the scaling law would be wrong. Train causal LMs "
            f"(Hugging Face ones too) with loss: {{ target: flops_fit_worker.losses:next_token_cross_entropy }}, "
            f"which reads .logits and never shifts; or, to keep the model's own loss, yield the unshifted input_ids "
            f"as targets")
    if offset == 0:
        raise TargetMisalignment(
            f"no shift: {how} compares logits[:, t] with the token at position t itself (the data's targets "
            f"{'equal the inputs' if data_shift == 0 else 'are shifted, and the loss shifts back'}), so the model "
            f"can copy its input. For next-token prediction yield targets shifted by one "
            f"(targets[:, t] = inputs[:, t+1]) with next_token_cross_entropy, or unshifted labels to a model that "
            f"shifts them itself (names tried for labels: {', '.join(LABEL_KEYWORDS)})")
    return {"checked": True, "data_offset": data_shift, "loss_offset": loss_shift}
