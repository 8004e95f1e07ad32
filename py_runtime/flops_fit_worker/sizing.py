"""Size values a model family accepts, found by building it; parameter counts without memory.

    count_on_meta(factory, kwargs)                 # Counts of a model built on torch's meta device
    propose_size_values(factory, "embed_dim", options, data=..., loss_fn=..., max_params=2e8)

Used by `plugins init` and `plugins inspect` (through the bridge), never while training.

A meta-device build allocates no memory and runs no kernels, so a size far past any budget
is counted in milliseconds and never materialised: `max_params` is checked on the meta
count before a real build. The size step is the smallest of STEPS such that sizes 3·step and
5·step both build and, with a data source, both take one real forward/backward step on its
batch. Odd multiples catch constraints on parity, not only divisibility: heads that must
divide the width (timm's ViT: 12 heads by default, so steps of 12) and rotary embeddings
that need an even head dimension (Llama with 2 heads: steps of 4).
"""
from __future__ import annotations

from typing import Any, Callable

import torch
from torch import nn

from .calling import LossFn, forward_loss
from .data_utils import to_device
from .params import ParamCounts, count_parameters

STEPS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128)
#: The largest model `plugins inspect` and `init` build for real, unless told otherwise.
DEFAULT_MAX_PARAMS = 2e8


def count_on_meta(factory: Callable[..., Any], kwargs: dict[str, Any]) -> ParamCounts:
    """Parameter counts of factory(**kwargs) built on the meta device (no memory, no init kernels)."""
    with torch.device("meta"):
        model = factory(**kwargs)
    if not isinstance(model, nn.Module):
        raise TypeError(f"it returned {type(model).__name__}, not a torch.nn.Module")
    return count_parameters(model)


def _step_ok(factory: Callable[..., Any], kwargs: dict[str, Any], data: Any, loss_fn: LossFn | None) -> None:
    """Build for real and take one forward/backward step on a 2-sample batch of `data` (raises on failure)."""
    model = factory(**kwargs)
    inputs, targets = next(iter(data.train_batches(2, 0)))
    loss = forward_loss(model, to_device(inputs, torch.device("cpu")), targets, loss_fn)
    loss.backward()


def _builds(factory: Callable[..., Any], kwargs: dict[str, Any], max_params: float) -> str | None:
    try:
        counts = count_on_meta(factory, kwargs)
    except Exception as exc:  # noqa: BLE001 — a size the model does not accept
        return f"{type(exc).__name__}: {exc}"
    return None if counts.total <= max_params else f"{counts.total} parameters > max_params {max_params:g}"


def propose_size_values(factory: Callable[..., Any], size_param: str, options: dict[str, Any], data: Any = None,
                        loss_fn: LossFn | None = None, max_params: float = DEFAULT_MAX_PARAMS,
                        default: float | None = None) -> dict[str, Any]:
    """{multiple_of, min, max, count, checked: "step" | "build", notes: [...]} for a sweep's size_values."""
    notes: list[str] = []

    def kwargs(size: int) -> dict[str, Any]:
        return {**options, size_param: size}

    step = next((s for s in STEPS if all(_builds(factory, kwargs(k * s), max_params) is None for k in (3, 5))), None)
    if step is None:
        reason = _builds(factory, kwargs(3 * STEPS[-1]), max_params)
        raise ValueError(f"no size step up to {STEPS[-1]} builds {size_param}=3·step and 5·step ({reason})")
    checked = "build"
    if data is not None:
        errors: list[str] = []
        for candidate in (s for s in STEPS if s % step == 0):
            try:
                for k in (3, 5):
                    _step_ok(factory, kwargs(k * candidate), data, loss_fn)
            except Exception as exc:  # noqa: BLE001
                errors.append(f"{size_param}={k * candidate}: {type(exc).__name__}: {exc}")
                continue
            step, checked = candidate, "step"
            break
        else:
            notes.append(f"no size took a training step on the data ({errors[0] if errors else 'no data'}); the step "
                         f"{step} is from building only")
    low = step * max(1, -(-8 // step))
    high = low
    ceiling = max(8 * (default or 0), 64 * low)
    while high * 2 <= ceiling and _builds(factory, kwargs(step * round(high * 2 / step)), max_params) is None:
        high = step * round(high * 2 / step)
    if high == low:
        notes.append(f"sizes above {low} exceed max_params {max_params:g} or do not build")
    return {"multiple_of": step, "min": low, "max": high, "count": 24, "checked": checked, "notes": notes}
