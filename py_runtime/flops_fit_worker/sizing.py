"""Size values a model family accepts, found by building it; parameter counts without memory.

    count_on_meta(factory, kwargs)                 # Counts of a model built on torch's meta device
    propose_size_values(factory, "embed_dim", options, data=..., loss_fn=..., max_params=2e8)

Used by `plugins init` and `plugins inspect` (through the bridge), never while training.

A meta-device build allocates no memory and runs no kernels, so a size far past any budget
is counted in milliseconds and never materialised: `max_params` is checked on the meta
count before a real build.

The proposal is only what was seen to work. The size step is the smallest of STEPS whose
first six multiples from 8 on all build and, with a data source, all take one real
forward/backward step on its batch: consecutive multiples expose divisibility (heads that
must divide the width: timm's ViT, 12 heads, steps of 12) and parity (rotary embeddings need
an even head dimension: 2 heads, steps of 4), where two samples (3·step, 5·step) could pass
by accident (a head dimension of 1 broadcasts). Then every value of the proposed grid
(min..max, as the planner spaces it) is tried the same way; a value that fails raises the
step and the grid is tried again. The constraint that set the step is named from the
failures and the model's head count (head divisibility, even head dimension).
"""
from __future__ import annotations

import inspect
import math
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
    """One forward/backward step on a 2-sample batch of `data` (raises on failure). Tried on
    the meta device first: shapes propagate without memory or compute, so a large size costs
    nothing; a model whose step the meta device cannot run (data-dependent ops) is built and
    stepped for real, which decides."""
    inputs, targets = next(iter(data.train_batches(2, 0)))
    try:
        with torch.device("meta"):
            model = factory(**kwargs)
        loss = forward_loss(model, to_device(inputs, torch.device("meta")), to_device(targets, torch.device("meta")), loss_fn)
        loss.backward()
        return
    except Exception:  # noqa: BLE001 — not necessarily the size's fault: the real step says
        pass
    model = factory(**kwargs)
    loss = forward_loss(model, to_device(inputs, torch.device("cpu")), targets, loss_fn)
    loss.backward()


def _builds(factory: Callable[..., Any], kwargs: dict[str, Any], max_params: float) -> str | None:
    try:
        counts = count_on_meta(factory, kwargs)
    except Exception as exc:  # noqa: BLE001 — a size the model does not accept
        return f"{type(exc).__name__}: {exc}"
    return None if counts.total <= max_params else f"{counts.total} parameters > max_params {max_params:g}"


#: Argument names of an attention head count, for naming the constraint a size step comes from.
HEAD_COUNT_NAMES = ("num_heads", "n_heads", "num_attention_heads", "n_head", "nhead", "heads", "num_head")
#: Multiples of a candidate step tried before it is accepted.
MULTIPLES_TRIED = 6


def grid(low: int, high: int, count: int, step: int) -> list[int]:
    """The planner's candidate sizes for {min: low, max: high, count, multiple_of: step}:
    src/planning/size-grid.ts candidateSizeValues, whose Math.round rounds halves up."""
    values = set()
    for i in range(count):
        raw = low * (high / low) ** (0 if count == 1 else i / (count - 1))
        values.add(max(step, step * math.floor(raw / step + 0.5)))
    return sorted(values)


def head_count(factory: Callable[..., Any], options: dict[str, Any]) -> int | None:
    """The model's attention head count, from the options or the factory's default, if it has one."""
    for name in HEAD_COUNT_NAMES:
        if isinstance(options.get(name), int):
            return int(options[name])
    try:
        params = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return None
    for name in HEAD_COUNT_NAMES:
        if name in params and isinstance(params[name].default, int) and not isinstance(params[name].default, bool):
            return int(params[name].default)
    return None


def name_constraint(size_param: str, step: int, heads: int | None, failures: dict[int, str]) -> str | None:
    """What the failures say about the sizes the model takes, or None when nothing failed."""
    if not failures:
        return None
    if heads:
        odd_head_dim = {s: e for s, e in failures.items() if s % heads == 0 and (s // heads) % 2 == 1}
        if odd_head_dim and step % (2 * heads) == 0:
            size, error = min(odd_head_dim.items())
            return (f"even head dimension: {size_param} / {heads} heads must be even, so {size_param} is a multiple of "
                    f"{2 * heads} ({size_param}={size} failed: {error})")
        indivisible = {s: e for s, e in failures.items() if s % heads}
        if indivisible and step % heads == 0:
            size, error = min(indivisible.items())
            return (f"head divisibility: {size_param} must be divisible by the {heads} heads "
                    f"({size_param}={size} failed: {error})")
    size, error = min(failures.items())
    return f"{size_param} must be a multiple of {step} ({size_param}={size} failed: {error})"


def propose_size_values(factory: Callable[..., Any], size_param: str, options: dict[str, Any], data: Any = None,
                        loss_fn: LossFn | None = None, max_params: float = DEFAULT_MAX_PARAMS,
                        default: float | None = None, count: int = 24) -> dict[str, Any]:
    """{multiple_of, min, max, count, checked: "step" | "build", constraint, tried, notes} for a
    sweep's size_values: every value of that grid built (and with `data`, took a training step)."""
    notes: list[str] = []
    failures: dict[int, str] = {}
    verdicts: dict[int, str | None] = {}

    def kwargs(size: int) -> dict[str, Any]:
        return {**options, size_param: size}

    def problem(size: int) -> str | None:
        """Why `size` cannot be swept (its build, or with data its training step), or None; remembered."""
        if size not in verdicts:
            error = _builds(factory, kwargs(size), max_params)
            if error is None and data is not None:
                try:
                    _step_ok(factory, kwargs(size), data, loss_fn)
                except Exception as exc:  # noqa: BLE001 — a size that cannot train
                    error = f"{type(exc).__name__}: {exc}"
            verdicts[size] = error
            if error is not None and "max_params" not in error:
                failures[size] = error
        return verdicts[size]

    def first_failure(sizes: list[int]) -> int | None:
        return next((size for size in sizes if problem(size) is not None), None)

    candidates = list(STEPS)
    while candidates:
        step = candidates.pop(0)
        start = step * max(1, -(-8 // step))
        if first_failure([start + k * step for k in range(MULTIPLES_TRIED)]) is not None:
            continue
        low = high = start
        ceiling = max(8 * (default or 0), 64 * low)
        while high * 2 <= ceiling and _builds(factory, kwargs(step * round(high * 2 / step)), max_params) is None:
            high = step * round(high * 2 / step)
        values = grid(low, high, count, step)
        if first_failure(values) is not None:
            candidates = [s for s in candidates if s % step == 0]  # a larger step of the same kind
            continue
        if high == low:
            notes.append(f"sizes above {low} exceed max_params {max_params:g} or do not build")
        return {"multiple_of": step, "min": low, "max": high, "count": count, "checked": "step" if data is not None else "build",
                "constraint": name_constraint(size_param, step, head_count(factory, options), failures),
                "tried": len(values), "notes": notes}
    size, error = min(failures.items()) if failures else (0, "no size built")
    raise ValueError(f"no size step up to {STEPS[-1]} gives {size_param} values that all "
                     f"{'take a training step' if data is not None else 'build'} ({size_param}={size}: {error})")
