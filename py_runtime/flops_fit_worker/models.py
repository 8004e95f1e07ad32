"""Build the pieces a task names: the model at a size, the data source, the loss.

An existing PyTorch model is used unchanged: any callable `module:Attr` that accepts the
size argument (plus the configured options) and returns an `nn.Module` works.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

from torch import nn

from .targets import TargetError, resolve


def _accepted(fn: Callable[..., Any], options: dict[str, Any]) -> dict[str, Any]:
    """Options the callable accepts (all of them when it takes **kwargs)."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return options
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return options
    return {k: v for k, v in options.items() if k in params}


def build_model(spec: dict[str, Any], size_value: float, data: Any | None) -> nn.Module:
    factory = resolve(spec["target"])
    if not callable(factory):
        raise TargetError(f'model target "{spec["target"]}" is not callable', "bad_target")
    size = int(size_value) if float(size_value).is_integer() else size_value
    kwargs: dict[str, Any] = {}
    # Facts the data plugin knows (vocab size, sequence length, classes) fill in options the
    # model accepts but the config left unset.
    hints = getattr(data, "model_hints", None)
    if callable(hints):
        kwargs.update(_accepted(factory, hints()))
    kwargs.update(spec["options"])
    kwargs[spec["size_param"]] = size
    model = factory(**kwargs)
    if not isinstance(model, nn.Module):
        raise TargetError(f'model target "{spec["target"]}" returned {type(model).__name__}, not a torch.nn.Module', "bad_target")
    return model


def build_data(spec: dict[str, Any], seed: int) -> Any:
    factory = resolve(spec["target"])
    return factory(**spec["options"], **_accepted(factory, {"seed": seed}))


def build_loss(spec: dict[str, Any] | None) -> Callable[..., Any] | None:
    """The loss callable `loss(outputs, targets)`, or None for models that return `.loss`."""
    if spec is None:
        return None
    fn = resolve(spec["target"])
    if not callable(fn):
        raise TargetError(f'loss target "{spec["target"]}" is not callable', "bad_target")
    return fn  # type: ignore[no-any-return]
